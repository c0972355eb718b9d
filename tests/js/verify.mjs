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

// BitstringStatusList: the status list credential must itself verify, and the bit must be clear.
async function checkStatus({credential: checked}) {
  const entries = [].concat(checked.credentialStatus || []);
  for(const entry of entries) {
    if(entry.type !== 'BitstringStatusListEntry') {
      return {verified: false, error: new Error(`unsupported status type ${entry.type}`)};
    }
    const {document: list} = await documentLoader(entry.statusListCredential);
    const listResult = await vc.verifyCredential({
      credential: list, suite, documentLoader, checkStatus: async () => ({verified: true})
    });
    if(!listResult.verified) {
      return {verified: false, error: new Error('the status list credential does not verify')};
    }
    const encoded = list.credentialSubject.encodedList;
    const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
    const index = Number(entry.statusListIndex);
    if(bits[Math.floor(index / 8)] & (1 << (7 - index % 8))) {
      return {verified: false, error: new Error(`credential ${entry.statusPurpose === 'revocation' ? 'revoked' : 'suspended'}`)};
    }
  }
  return {verified: true};
}
let result;
try {
  result = await vc.verifyCredential({
    credential, suite, documentLoader,
    checkStatus

  });
} catch(e) {
  result = {verified: false, error: e};
}
const error = result.verified ? null : String(
  result.statusResult?.error?.message || result.error?.errors?.[0]?.message || result.error?.message ||
  result.results?.find(r => r.error)?.error?.message || 'not verified');
process.stdout.write(JSON.stringify({verified: result.verified, error}));
