#!/usr/bin/env node
// Test-only SAML 2.0 identity provider built on `samlify` (IdentityProvider).
//
// Started by the Python test-suite to exercise Insignia's SAML service-provider
// code against a real SAML library. Never use outside tests.
//
//   node tests/js/saml-idp.mjs --port 43124 --config /tmp/saml-idp.json
//
// Listens on 127.0.0.1 only. When ready, prints exactly one line on stdout:
//   ready http://127.0.0.1:<port>
// Errors go to stderr. SIGTERM / SIGINT close the server and exit 0.
//
// Config file (JSON):
//   {
//     "entity_id": "http://127.0.0.1:<port>/metadata",
//     "key_pem":   "-----BEGIN PRIVATE KEY-----...",     (RSA, PKCS#8 or PKCS#1)
//     "cert_pem":  "-----BEGIN CERTIFICATE-----...",     (self-signed is fine)
//     "accounts":  [{"sub": "alice", "email": "alice@acme.test", "name": "Alice Example",
//                    "groups": ["insignia-admins", "sales"]}]
//   }
//
// Endpoints:
//   GET  /metadata   IdP metadata (application/samlmetadata+xml): entityID,
//                    signing KeyDescriptor, SingleSignOnService HTTP-Redirect and
//                    HTTP-POST at /sso, SingleLogoutService HTTP-Redirect at /slo,
//                    NameIDFormat emailAddress, WantAuthnRequestsSigned="false".
//   POST /_control/accounts
//                    Body: one account object (as in the config file) as JSON;
//                    adds it or replaces the account with the same email. 204.
//   POST /_control/sp
//                    Body: an SP's metadata XML (any content type). Registers
//                    (or replaces) that SP, keyed by its entityID. 204; 400 if
//                    the metadata has no entityID or no HTTP-POST ACS.
//   GET  /sso?SAMLRequest=..&RelayState=..&user=<email>[&sign=..]
//   POST /sso        (form fields SAMLRequest, RelayState; `user` and `sign` may
//                    be form fields or query parameters)
//                    Signature of the AuthnRequest is not checked. The SP is
//                    found by the request's <Issuer> (400 if unregistered); if
//                    the request names an AssertionConsumerServiceURL it must be
//                    one of the SP's HTTP-POST ACS locations (else 400). The
//                    user is looked up by email (403 if unknown or missing).
//                    Answers 200 with an HTML page holding
//                      <form method="post" action="ACS-URL"> with hidden inputs
//                      SAMLResponse and (only if the request had one) RelayState.
//                    The Response: InResponseTo = request ID, Destination and
//                    SubjectConfirmationData/@Recipient = ACS URL, Audience = SP
//                    entityID, NameID = email (Format ...:1.1:nameid-format:
//                    emailAddress), Conditions NotBefore = now, NotOnOrAfter =
//                    now + 5 min, an AuthnStatement (AuthnInstant, SessionIndex,
//                    PasswordProtectedTransport) and attributes (NameFormat
//                    basic) `email`, `name`, `groups` (one AttributeValue per
//                    group; omitted when the user has no groups).
//                    Signatures are RSA-SHA256 / SHA-256 enveloped XML-DSig with
//                    exclusive c14n, made by samlify with the configured key.
//                    `sign` selects what is signed (negative tests):
//                      both (default) - assertion AND response
//                      response       - only the Response
//                      assertion      - only the Assertion
//                      none           - nothing signed
//   GET  /slo?SAMLRequest=..&RelayState=..
//                    SP-initiated LogoutRequest (HTTP-Redirect; its signature is
//                    not checked). Answers 302 to the SP's HTTP-Redirect
//                    SingleLogoutService with a LogoutResponse (Status Success,
//                    InResponseTo = request ID) that IS signed per the
//                    HTTP-Redirect binding (SigAlg=rsa-sha256 + Signature query
//                    parameters over SAMLResponse, RelayState, SigAlg).
//                    400 if the SP is unknown or has no HTTP-Redirect SLO.

import { randomUUID } from 'node:crypto';
import http from 'node:http';

import samlify from 'samlify';

import { readCommandLine, serve } from './idp-process.mjs';

const { IdentityProvider, ServiceProvider, SamlLib, Extractor, Utility, Constants } = samlify;

// The schema validator would only validate requests sent by the code under
// test to this test IdP; skipping it keeps the IdP free of native/Java deps.
samlify.setSchemaValidator({ validate: () => Promise.resolve('skipped') });

const { port, config, base } = readCommandLine('saml-idp.mjs');

const BINDING = Constants.namespace.binding; // redirect, post, ... -> URNs
const NAMEID_EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const ATTR_BASIC = 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic';
const VALIDITY_MS = 5 * 60 * 1000;

// --------------------------------------------------------------------------
// Login response template. samlify's default template has no AuthnStatement,
// and its attribute mechanism only does single-valued, so the assertion's
// statements are rendered here: {AuthnStatement...} tags are samlify-style
// placeholders filled by SamlLib.replaceTagsByValue (which XML-escapes), and
// {AttributeStatementXml} is replaced last by XML built (and escaped) below.

const LOGIN_RESPONSE_TEMPLATE = [
  '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"',
  ' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{ID}" Version="2.0"',
  ' IssueInstant="{IssueInstant}" Destination="{Destination}" InResponseTo="{InResponseTo}">',
  '<saml:Issuer>{Issuer}</saml:Issuer>',
  '<samlp:Status><samlp:StatusCode Value="{StatusCode}"/></samlp:Status>',
  '<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
  ' xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="{AssertionID}" Version="2.0"',
  ' IssueInstant="{IssueInstant}">',
  '<saml:Issuer>{Issuer}</saml:Issuer>',
  '<saml:Subject>',
  '<saml:NameID Format="{NameIDFormat}">{NameID}</saml:NameID>',
  '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">',
  '<saml:SubjectConfirmationData NotOnOrAfter="{SubjectConfirmationDataNotOnOrAfter}"',
  ' Recipient="{SubjectRecipient}" InResponseTo="{InResponseTo}"/>',
  '</saml:SubjectConfirmation>',
  '</saml:Subject>',
  '<saml:Conditions NotBefore="{ConditionsNotBefore}" NotOnOrAfter="{ConditionsNotOnOrAfter}">',
  '<saml:AudienceRestriction><saml:Audience>{Audience}</saml:Audience></saml:AudienceRestriction>',
  '</saml:Conditions>',
  '<saml:AuthnStatement AuthnInstant="{AuthnInstant}" SessionIndex="{SessionIndex}">',
  '<saml:AuthnContext><saml:AuthnContextClassRef>',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
  '</saml:AuthnContextClassRef></saml:AuthnContext>',
  '</saml:AuthnStatement>',
  '{AttributeStatementXml}',
  '</saml:Assertion>',
  '</samlp:Response>',
].join('');

function xmlEscape(value) {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

function attributeStatementXml(account) {
  const attributes = [
    ['email', account.email === undefined ? [] : [account.email]],
    ['name', account.name === undefined ? [] : [account.name]],
    ['groups', account.groups ?? []],
  ].filter(([, values]) => values.length > 0);
  if (attributes.length === 0) return '';
  const body = attributes.map(([name, values]) => (
    `<saml:Attribute Name="${name}" NameFormat="${ATTR_BASIC}">${
      values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${xmlEscape(v)}</saml:AttributeValue>`).join('')
    }</saml:Attribute>`
  )).join('');
  return `<saml:AttributeStatement>${body}</saml:AttributeStatement>`;
}

// --------------------------------------------------------------------------
// IdP, SPs, accounts

const idp = IdentityProvider({
  entityID: config.entity_id,
  privateKey: config.key_pem,
  signingCert: config.cert_pem,
  wantAuthnRequestsSigned: false,
  requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  nameIDFormat: [NAMEID_EMAIL],
  // schema order of IDPSSODescriptor children (SLO before NameIDFormat before SSO)
  elementsOrder: Constants.elementsOrder.idp.shibboleth,
  singleSignOnService: [
    { Binding: BINDING.redirect, Location: `${base}/sso` },
    { Binding: BINDING.post, Location: `${base}/sso` },
  ],
  singleLogoutService: [
    { Binding: BINDING.redirect, Location: `${base}/slo` },
  ],
  loginResponseTemplate: { context: LOGIN_RESPONSE_TEMPLATE, attributes: [] },
});

const spMetadata = new Map(); // entityID -> SP metadata XML

// A fresh samlify ServiceProvider per message, so per-request signing choices
// never leak between requests.
function spEntity(entityId, { signAssertion = true, signResponse = true } = {}) {
  const xml = spMetadata.get(entityId);
  if (xml === undefined) return undefined;
  const sp = ServiceProvider({
    metadata: xml,
    wantMessageSigned: signResponse,
    wantLogoutResponseSigned: true,
  });
  // samlify signs the assertion iff the SP metadata says WantAssertionsSigned;
  // this IdP decides itself (per `sign`), whatever the SP's metadata says.
  sp.entityMeta.isWantAssertionsSigned = () => signAssertion;
  return sp;
}

function postAcsLocations(sp) {
  const acs = sp.entityMeta.getAssertionConsumerService();
  return [acs].flat().filter((s) => s?.binding === BINDING.post).map((s) => s.location);
}

function registerSp(xml) {
  let sp;
  try {
    sp = ServiceProvider({ metadata: xml });
  } catch (err) {
    throw new HttpError(400, `unusable SP metadata: ${err.message ?? err}`);
  }
  const entityId = sp.entityMeta.getEntityID();
  if (!entityId) throw new HttpError(400, 'SP metadata has no entityID');
  if (postAcsLocations(sp).length === 0) {
    throw new HttpError(400, 'SP metadata has no HTTP-POST AssertionConsumerService');
  }
  spMetadata.set(entityId, xml);
  console.error(`saml-idp: registered SP ${entityId}`);
}

const accounts = (config.accounts ?? []).map((a) => ({ ...a }));

function accountByEmail(email) {
  if (typeof email !== 'string' || !email) return undefined;
  const wanted = email.toLowerCase();
  return accounts.find((a) => typeof a.email === 'string' && a.email.toLowerCase() === wanted);
}

// --------------------------------------------------------------------------
// Handlers

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// The redirect binding's values are base64: a '+' that arrived unencoded was
// turned into ' ' by form decoding, so put it back.
const b64param = (value) => (typeof value === 'string' ? value.replaceAll(' ', '+') : value);

// Peek at the request's <Issuer> to pick the SP entity samlify needs to parse it.
function requestIssuer(samlRequestB64, binding, fields) {
  const xml = binding === 'redirect'
    ? Utility.inflateString(samlRequestB64)
    : Utility.base64Decode(samlRequestB64).toString();
  return Extractor.extract(xml, fields).issuer;
}

function htmlEscape(value) {
  return xmlEscape(value);
}

async function handleSso(params, binding) {
  const samlRequest = b64param(params.get('SAMLRequest'));
  if (!samlRequest) throw new HttpError(400, 'missing SAMLRequest');
  const relayState = params.get('RelayState');
  const sign = params.get('sign') ?? 'both';
  const signing = {
    both: { signAssertion: true, signResponse: true },
    response: { signAssertion: false, signResponse: true },
    assertion: { signAssertion: true, signResponse: false },
    none: null,
  }[sign];
  if (signing === undefined) throw new HttpError(400, `bad sign=${sign}`);

  let issuer;
  try {
    issuer = requestIssuer(samlRequest, binding, Extractor.loginRequestFields);
  } catch (err) {
    throw new HttpError(400, `cannot decode SAMLRequest: ${err.message}`);
  }
  const sp = spEntity(issuer, signing ?? {});
  if (!sp) throw new HttpError(400, `unknown SP ${JSON.stringify(issuer)}`);

  const request = binding === 'redirect'
    ? { query: { SAMLRequest: samlRequest } }
    : { body: { SAMLRequest: samlRequest } };
  let requestInfo;
  try {
    requestInfo = await idp.parseLoginRequest(sp, binding, request);
  } catch (err) {
    throw new HttpError(400, `bad AuthnRequest: ${err.message ?? err}`);
  }

  const account = accountByEmail(params.get('user'));
  if (!account) throw new HttpError(403, `unknown user ${JSON.stringify(params.get('user'))}`);

  const registeredAcs = postAcsLocations(sp);
  const requestedAcs = requestInfo.extract.request?.assertionConsumerServiceUrl;
  if (requestedAcs && !registeredAcs.includes(requestedAcs)) {
    throw new HttpError(400, `AssertionConsumerServiceURL ${requestedAcs} is not in the SP metadata`);
  }
  const acs = requestedAcs || sp.entityMeta.getAssertionConsumerService('post');

  const now = new Date();
  const later = new Date(now.getTime() + VALIDITY_MS).toISOString();
  const values = {
    ID: `_${randomUUID()}`,
    AssertionID: `_${randomUUID()}`,
    IssueInstant: now.toISOString(),
    Destination: acs,
    InResponseTo: requestInfo.extract.request.id,
    Issuer: idp.entityMeta.getEntityID(),
    StatusCode: Constants.StatusCode.Success,
    NameIDFormat: NAMEID_EMAIL,
    NameID: account.email,
    SubjectConfirmationDataNotOnOrAfter: later,
    SubjectRecipient: acs,
    ConditionsNotBefore: now.toISOString(),
    ConditionsNotOnOrAfter: later,
    Audience: sp.entityMeta.getEntityID(),
    AuthnInstant: now.toISOString(),
    SessionIndex: `_${randomUUID()}`,
  };
  const render = (template) => ({
    id: values.ID,
    context: SamlLib.replaceTagsByValue(template, values)
      .replace('{AttributeStatementXml}', attributeStatementXml(account)),
  });

  let samlResponse;
  if (signing === null) {
    samlResponse = Utility.base64Encode(render(LOGIN_RESPONSE_TEMPLATE).context);
  } else {
    const response = await idp.createLoginResponse(sp, requestInfo, 'post', account, {
      customTagReplacement: render,
    });
    samlResponse = response.context;
  }

  const relayInput = relayState == null
    ? ''
    : `<input type="hidden" name="RelayState" value="${htmlEscape(relayState)}"/>`;
  return {
    status: 200,
    type: 'text/html; charset=utf-8',
    body: `<!DOCTYPE html>
<html><head><title>SAML POST</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="${htmlEscape(acs)}">
<input type="hidden" name="SAMLResponse" value="${htmlEscape(samlResponse)}"/>
${relayInput}
<noscript><button type="submit">Continue</button></noscript>
</form>
</body></html>
`,
  };
}

async function handleSlo(params) {
  const samlRequest = b64param(params.get('SAMLRequest'));
  if (!samlRequest) throw new HttpError(400, 'missing SAMLRequest');
  let issuer;
  try {
    issuer = requestIssuer(samlRequest, 'redirect', Extractor.logoutRequestFields);
  } catch (err) {
    throw new HttpError(400, `cannot decode SAMLRequest: ${err.message}`);
  }
  const sp = spEntity(issuer);
  if (!sp) throw new HttpError(400, `unknown SP ${JSON.stringify(issuer)}`);
  if (typeof sp.entityMeta.getSingleLogoutService('redirect') !== 'string') {
    throw new HttpError(400, `SP ${issuer} has no HTTP-Redirect SingleLogoutService`);
  }
  let requestInfo;
  try {
    requestInfo = await idp.parseLogoutRequest(sp, 'redirect', { query: { SAMLRequest: samlRequest } });
  } catch (err) {
    throw new HttpError(400, `bad LogoutRequest: ${err.message ?? err}`);
  }
  const { context: location } = idp.createLogoutResponse(sp, requestInfo, 'redirect', {
    relayState: params.get('RelayState') ?? '',
  });
  return { status: 302, headers: { Location: location }, body: '' };
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function route(req) {
  const url = new URL(req.url, base);
  if (req.method === 'GET' && url.pathname === '/metadata') {
    return { status: 200, type: 'application/samlmetadata+xml', body: idp.getMetadata() };
  }
  if (req.method === 'POST' && url.pathname === '/_control/sp') {
    registerSp(await readBody(req));
    return { status: 204, body: '' };
  }
  if (req.method === 'POST' && url.pathname === '/_control/accounts') {
    let account;
    try {
      account = JSON.parse(await readBody(req));
    } catch {
      throw new HttpError(400, 'the body must be one account as JSON');
    }
    if (!account || typeof account.email !== 'string') throw new HttpError(400, 'an account needs an email');
    const existing = accountByEmail(account.email);
    if (existing) accounts.splice(accounts.indexOf(existing), 1);
    accounts.push({ ...account });
    return { status: 204, body: '' };
  }
  if (url.pathname === '/sso' && req.method === 'GET') {
    return handleSso(url.searchParams, 'redirect');
  }
  if (url.pathname === '/sso' && req.method === 'POST') {
    const params = new URLSearchParams(await readBody(req));
    for (const [key, value] of url.searchParams) if (!params.has(key)) params.set(key, value);
    return handleSso(params, 'post');
  }
  if (url.pathname === '/slo' && req.method === 'GET') {
    return handleSlo(url.searchParams);
  }
  throw new HttpError(404, `no route for ${req.method} ${url.pathname}`);
}

const server = http.createServer(async (req, res) => {
  let out;
  try {
    out = await route(req);
  } catch (err) {
    const status = err instanceof HttpError ? err.status : 500;
    console.error(`saml-idp: ${req.method} ${req.url.split('?')[0]}: ${status} ${err.message ?? err}`);
    if (status === 500 && err?.stack) console.error(err.stack);
    out = { status, type: 'text/plain; charset=utf-8', body: `${err.message ?? err}\n` };
  }
  res.writeHead(out.status, {
    ...(out.type ? { 'Content-Type': out.type } : {}),
    'Cache-Control': 'no-store',
    ...out.headers,
  });
  res.end(out.body);
});

serve(server, { name: 'saml-idp', port, base });
