// Independent verification of an Insignia credential with Digital Bazaar's VC stack.
// stdin: {"credential": {...}, "documents": {"<url>": {...}}}; stdout: {"verified": bool, "error": str|null}.
// Nothing is fetched: every context, DID document, key and status list comes from "documents".
import {gunzipSync} from 'node:zlib';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const {credential, documents} = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const documentLoader = async url => {
  if(Object.prototype.hasOwnProperty.call(documents, url)) {
    return {contextUrl: null, documentUrl: url, document: documents[url]};
  }
  throw new Error(`document not provided: ${url}`);
};

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

// BitstringStatusList: the status list credential must itself verify and be for the entry's
// purpose; the entry's value (statusSize bits, most significant first) must be 0. A "message"
// entry's non-zero value is reported with the message the entry gives for it.
async function checkStatus({credential: checked}) {
  const entries = [].concat(checked.credentialStatus || []);
  for(const entry of entries) {
    if(entry.type !== 'BitstringStatusListEntry' ||
      !['revocation', 'suspension', 'message'].includes(entry.statusPurpose)) {
      return {verified: false, error: new Error(`unsupported status ${entry.type} ${entry.statusPurpose}`)};
    }
    const {document: list} = await documentLoader(entry.statusListCredential);
    const listResult = await vc.verifyCredential({
      credential: list, suite, documentLoader, checkStatus: async () => ({verified: true})
    });
    if(!listResult.verified) {
      return {verified: false, error: new Error('the status list credential does not verify')};
    }
    if(![].concat(list.credentialSubject.statusPurpose).includes(entry.statusPurpose)) {
      return {verified: false, error: new Error('the status list is for another purpose')};
    }
    const size = entry.statusSize ?? 1;
    const messages = entry.statusMessage || [];
    if(!Number.isInteger(size) || size < 1 || size > 8 || (size > 1 && messages.length !== 2 ** size)) {
      return {verified: false, error: new Error('malformed status entry')};
    }
    const encoded = list.credentialSubject.encodedList;
    const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
    const index = Number(entry.statusListIndex);
    if(!/^[0-9]+$/.test(String(entry.statusListIndex)) ||
      bits.length * 8 < 131072 * size || (index + 1) * size > bits.length * 8) {
      return {verified: false, error: new Error('malformed status entry or list')};
    }
    let value = 0;
    for(let offset = 0; offset < size; offset++) {
      const position = index * size + offset;
      value = (value << 1) | ((bits[Math.floor(position / 8)] >> (7 - position % 8)) & 1);
    }
    if(value !== 0) {
      const named = messages.find(m => parseInt(m.status, 16) === value);
      const text = entry.statusPurpose === 'message' ? (named?.message ?? `status ${value}`) :
        (entry.statusPurpose === 'revocation' ? 'revoked' : 'suspended');
      return {verified: false, error: new Error(`credential ${text}`)};
    }
  }
  return {verified: true};
}
let result;
try {
  result = await vc.verifyCredential({
    credential, suite, documentLoader, checkStatus
  });
} catch(e) {
  result = {verified: false, error: e};
}
const error = result.verified ? null : String(
  result.statusResult?.error?.message || result.error?.errors?.[0]?.message || result.error?.message ||
  result.results?.find(r => r.error)?.error?.message || 'not verified');
process.stdout.write(JSON.stringify({verified: result.verified, error}));
