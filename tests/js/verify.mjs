// Independent verification of an Insignia credential with Digital Bazaar's VC stack.
// stdin: {"credential": {...}, "documents": {"<url>": {...}}}; stdout: {"verified": bool, "error": str|null}.
// Nothing is fetched: every context, DID document and key comes from "documents".
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
let result;
try {
  result = await vc.verifyCredential({
    credential, suite, documentLoader,
    // Revocation is checked against the status list by the Python tests; here: the proof.
    checkStatus: async () => ({verified: true})
  });
} catch(e) {
  result = {verified: false, error: e};
}
const error = result.verified ? null : String(
  result.error?.errors?.[0]?.message || result.error?.message ||
  JSON.stringify(result.results?.map(r => r.error?.message)) || 'not verified');
process.stdout.write(JSON.stringify({verified: result.verified, error}));
