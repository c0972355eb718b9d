#!/usr/bin/env node
// Test-only OpenID Connect identity provider built on `oidc-provider` (panva).
//
// Started by the Python test-suite to exercise Insignia's OIDC relying-party
// code against a real, spec-compliant OP. Never use outside tests.
//
//   node tests/js/oidc-idp.mjs --port 43123 --config /tmp/oidc-idp.json
//
// Listens on 127.0.0.1 only. When ready, prints exactly one line on stdout:
//   ready http://127.0.0.1:<port>
// Everything else (library notices, request errors) goes to stderr. On Node 20
// oidc-provider 9 warns "Unsupported runtime" (it wants Node 22); it works.
// SIGTERM / SIGINT close the server and exit 0.
//
// Issuer: http://127.0.0.1:<port> (no trailing slash); discovery at
// /.well-known/openid-configuration. Authorization code flow only, PKCE S256
// required, RFC 9207 `iss` in every authorization response, ID tokens signed
// RS256 with an RSA key generated at start (published at the jwks_uri).
// Scopes: openid email profile groups. Claims: email, email_verified (email),
// name (profile), groups (groups; JSON array). The scope-based claims are put
// in the ID token as well (conformIdTokenClaims: false) and served by userinfo.
//
// Config file (JSON):
//   {
//     "clients": [{"client_id": "...", "client_secret": "...",
//                  "redirect_uris": ["http://127.0.0.1:9999/t/acme/sso/<uuid>/callback"]}],
//     "accounts": [{"sub": "alice", "email": "alice@acme.test", "email_verified": true,
//                   "name": "Alice Example", "groups": ["insignia-admins", "sales"]}]
//   }
// Client defaults: token_endpoint_auth_method client_secret_basic,
// grant_types [authorization_code], response_types [code],
// id_token_signed_response_alg RS256. Any other client metadata given in the
// file (e.g. "token_endpoint_auth_method": "client_secret_post") overrides the
// defaults. oidc-provider enforces the ONE registered auth method per client.
//
// Scripted sign-in (no UI): the relying party sends `login_hint=<email or sub>`
// in the authorization request. Every request carrying a login_hint goes
// through the interaction endpoint, which signs that account in and grants the
// requested scopes/claims in one step, so a cookie-jar HTTP client sees:
//   GET /auth?...            -> 303 /interaction/<uid>
//   GET /interaction/<uid>   -> 303 /auth/<uid>            (this script)
//   GET /auth/<uid>          -> 303 <redirect_uri>?code=..&state=..&iss=..
// Unknown or missing login_hint (with no existing session) ends the request
// with error=access_denied at the redirect_uri. If the browser already has a
// session for a different account, that session is discarded first.
// Cookies are not `Secure` over plain http, so plain http on 127.0.0.1 works.
// Errors on the OP's own endpoints are rendered as JSON ({error, error_description}).
//
// Control endpoints (test-only, JSON bodies, answer 204 No Content on success,
// 400 {"error": ...} on bad input):
//   PUT  /_control/clients/<client_id>
//        body {"client_secret": "...", "redirect_uris": [...]?, ...other metadata?}
//        Creates the client or merges into the existing one. Takes effect on
//        the very next request (clients live in a mutable in-memory adapter;
//        oidc-provider caches client instances by a hash of their metadata,
//        so changed metadata always yields a fresh instance).
//   POST /_control/accounts
//        body = one account object (as in the config file) -> adds/replaces it.
//   POST /_control/fault
//        body {"id_token_claims": {"aud": "someone-else"}} (any claims)
//        One-shot: the NEXT successful token-endpoint response carrying an
//        id_token gets that id_token re-signed with the OP's own key (same
//        kid/alg) with those claims overridden. `{}` clears a pending fault.

import { randomBytes } from 'node:crypto';
import http from 'node:http';

import * as jose from 'jose';
import Provider, { interactionPolicy } from 'oidc-provider';

import { readCommandLine, serve } from './idp-process.mjs';

// stdout is reserved for the single "ready" line; oidc-provider prints its
// notices through console.info, so send all console output to stderr.
console.log = console.error;
console.info = console.error;

const { port, config, base: issuer } = readCommandLine('oidc-idp.mjs');

// --------------------------------------------------------------------------
// Accounts

const accounts = new Map(); // sub -> account object

function putAccount(account) {
  if (!account || typeof account.sub !== 'string' || !account.sub) {
    throw new TypeError('account needs a non-empty string "sub"');
  }
  accounts.set(account.sub, { ...account });
}

function accountByHint(hint) {
  if (typeof hint !== 'string' || !hint) return undefined;
  if (accounts.has(hint)) return accounts.get(hint);
  const wanted = hint.toLowerCase();
  for (const account of accounts.values()) {
    if (typeof account.email === 'string' && account.email.toLowerCase() === wanted) {
      return account;
    }
  }
  return undefined;
}

for (const account of config.accounts ?? []) putAccount(account);

// --------------------------------------------------------------------------
// Storage adapter: plain in-memory Maps, never evicted (the process lives for
// one test session). Clients are stored here too, which is what makes them
// mutable at runtime.

const epoch = () => Math.floor(Date.now() / 1000);
const stores = new Map(); // model name -> Map(id -> { payload, expiresAt })
const grantMembers = new Map(); // grantId -> Set of [model, id]
const sessionUids = new Map(); // Session uid -> Session id
const userCodes = new Map(); // user code -> DeviceCode id

class MemoryAdapter {
  constructor(model) {
    this.model = model;
    if (!stores.has(model)) stores.set(model, new Map());
    this.items = stores.get(model);
  }

  async upsert(id, payload, expiresIn) {
    const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity;
    this.items.set(id, { payload, expiresAt });
    if (this.model === 'Session' && payload.uid) sessionUids.set(payload.uid, id);
    if (payload.userCode) userCodes.set(payload.userCode, id);
    if (payload.grantId) {
      if (!grantMembers.has(payload.grantId)) grantMembers.set(payload.grantId, new Set());
      grantMembers.get(payload.grantId).add([this.model, id]);
    }
  }

  async find(id) {
    const entry = this.items.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.items.delete(id);
      return undefined;
    }
    return entry.payload;
  }

  async findByUid(uid) {
    const id = sessionUids.get(uid);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode) {
    const id = userCodes.get(userCode);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id) {
    const payload = await this.find(id);
    if (payload) payload.consumed = epoch();
  }

  async destroy(id) {
    this.items.delete(id);
  }

  async revokeByGrantId(grantId) {
    for (const [model, id] of grantMembers.get(grantId) ?? []) {
      stores.get(model)?.delete(id);
    }
    grantMembers.delete(grantId);
  }
}

const clientStore = new MemoryAdapter('Client');

const CLIENT_DEFAULTS = {
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['authorization_code'],
  response_types: ['code'],
  id_token_signed_response_alg: 'RS256',
};

// --------------------------------------------------------------------------
// Provider

const signingKeys = await jose.generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
const signingJwk = await jose.exportJWK(signingKeys.privateKey);
signingJwk.kid = await jose.calculateJwkThumbprint(signingJwk);
signingJwk.alg = 'RS256';
signingJwk.use = 'sig';

// Force the login prompt (i.e. a pass through /interaction) whenever the
// request names a user, so the scripted sign-in always signs in that user --
// unless this is the resume right after that interaction.
const policy = interactionPolicy.base();
policy.get('login').checks.add(new interactionPolicy.Check(
  'login_hint',
  'the login_hint names the End-User to sign in',
  (ctx) => (ctx.oidc.params.login_hint && !ctx.oidc.result?.login
    ? interactionPolicy.Check.REQUEST_PROMPT
    : interactionPolicy.Check.NO_NEED_TO_PROMPT),
));

const provider = new Provider(issuer, {
  adapter: MemoryAdapter,
  clients: [], // kept in the adapter instead, see putClient()
  clientDefaults: CLIENT_DEFAULTS,
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  responseTypes: ['code'],
  pkce: { required: () => true }, // S256 is the only method oidc-provider 9 supports
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  conformIdTokenClaims: false, // scope claims go in the ID token too
  jwks: { keys: [signingJwk] },
  cookies: {
    keys: [randomBytes(32).toString('base64url')],
    // httpOnly + SameSite=Lax; `Secure` is only added on https requests.
    long: { httpOnly: true, sameSite: 'lax' },
    short: { httpOnly: true, sameSite: 'lax' },
  },
  features: {
    devInteractions: { enabled: false },
  },
  ttl: { // seconds; explicit values also silence oidc-provider's notices
    AccessToken: 3600,
    AuthorizationCode: 60,
    IdToken: 3600,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
  interactions: {
    url: (ctx, interaction) => `/interaction/${interaction.uid}`,
    policy,
  },
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        const claims = { sub };
        for (const key of ['email', 'email_verified', 'name', 'groups']) {
          if (account[key] !== undefined) claims[key] = account[key];
        }
        return claims;
      },
    };
  },
  async renderError(ctx, out) {
    ctx.type = 'application/json';
    ctx.body = out;
  },
});

async function putClient(clientId, fields) {
  const previous = await clientStore.find(clientId);
  const metadata = { ...CLIENT_DEFAULTS, ...previous, ...fields, client_id: clientId };
  await provider.Client.validate(metadata); // throws InvalidClientMetadata
  await clientStore.upsert(clientId, metadata);
}

for (const client of config.clients ?? []) {
  await putClient(client.client_id, client);
}

for (const event of [
  'server_error', 'authorization.error', 'grant.error', 'userinfo.error',
  'discovery.error', 'jwks.error', 'end_session.error', 'introspection.error',
  'revocation.error', 'backchannel.error', 'pushed_authorization_request.error',
]) {
  provider.on(event, (ctx, err) => {
    const detail = [err?.error_description, err?.error_detail].filter(Boolean).join('; ');
    const suffix = detail ? ` (${detail})` : '';
    console.error(`oidc-idp ${event}: ${ctx?.method} ${ctx?.path}: ${err?.message ?? err}${suffix}`);
    if (event === 'server_error' && err?.stack) console.error(err.stack);
  });
}

// --------------------------------------------------------------------------
// Interaction handler: scripted login + consent.

async function dropSession(interaction) {
  // The browser is signed in as someone else: forget that session, otherwise
  // oidc-provider would answer the resume with a "log out first?" form.
  if (interaction.session?.cookie) {
    await provider.Session.adapter.destroy(interaction.session.cookie);
  }
  delete interaction.session;
  await interaction.save(interaction.exp - epoch());
}

async function handleInteraction(ctx) {
  const interaction = await provider.interactionDetails(ctx.req, ctx.res);
  const { params, session } = interaction;

  const account = params.login_hint !== undefined
    ? accountByHint(params.login_hint)
    : accounts.get(session?.accountId);

  let result;
  if (!account) {
    result = {
      error: 'access_denied',
      error_description: params.login_hint === undefined
        ? 'no login_hint given'
        : `unknown user ${JSON.stringify(params.login_hint)}`,
    };
  } else {
    if (session?.accountId && session.accountId !== account.sub) {
      await dropSession(interaction);
    }
    const grant = new provider.Grant({ accountId: account.sub, clientId: params.client_id });
    if (params.scope) grant.addOIDCScope(params.scope);
    if (params.claims) {
      const requested = JSON.parse(params.claims);
      grant.addOIDCClaims([
        ...Object.keys(requested.id_token ?? {}),
        ...Object.keys(requested.userinfo ?? {}),
      ]);
    }
    const grantId = await grant.save();
    result = {
      login: { accountId: account.sub },
      consent: { grantId },
    };
  }

  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: false,
  });
  ctx.redirect(returnTo);
  ctx.status = 303;
}

// --------------------------------------------------------------------------
// Control endpoints and the id_token fault injector.

let pendingFault = null; // { id_token_claims: {...} } or null

class BadRequest extends Error {}

async function readJson(ctx) {
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch (err) {
    throw new BadRequest(`invalid JSON body: ${err.message}`);
  }
}

async function handleControl(ctx) {
  const clientMatch = ctx.path.match(/^\/_control\/clients\/([^/]+)$/);
  if (clientMatch && ctx.method === 'PUT') {
    const body = await readJson(ctx);
    try {
      await putClient(decodeURIComponent(clientMatch[1]), body);
    } catch (err) {
      throw new BadRequest(`${err.message}${err.error_description ? `: ${err.error_description}` : ''}`);
    }
  } else if (ctx.path === '/_control/accounts' && ctx.method === 'POST') {
    const body = await readJson(ctx);
    try {
      putAccount(body);
    } catch (err) {
      throw new BadRequest(err.message);
    }
  } else if (ctx.path === '/_control/fault' && ctx.method === 'POST') {
    const body = await readJson(ctx);
    if (body.id_token_claims === undefined) {
      pendingFault = null;
    } else if (body.id_token_claims && typeof body.id_token_claims === 'object'
               && !Array.isArray(body.id_token_claims)) {
      pendingFault = { id_token_claims: body.id_token_claims };
    } else {
      throw new BadRequest('id_token_claims must be an object');
    }
  } else {
    ctx.status = 404;
    ctx.body = { error: 'not_found', error_description: `${ctx.method} ${ctx.path}` };
    return;
  }
  ctx.status = 204;
}

const signingKey = await jose.importJWK(signingJwk, 'RS256');

async function applyFault(ctx) {
  const fault = pendingFault;
  pendingFault = null;
  const header = jose.decodeProtectedHeader(ctx.body.id_token);
  const claims = { ...jose.decodeJwt(ctx.body.id_token), ...fault.id_token_claims };
  ctx.body.id_token = await new jose.CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader(header)
    .sign(signingKey);
  console.error(`oidc-idp: fault applied to id_token: ${JSON.stringify(fault.id_token_claims)}`);
}

provider.use(async (ctx, next) => {
  try {
    if (ctx.path.startsWith('/_control/')) {
      await handleControl(ctx);
      return;
    }
    if (ctx.method === 'GET' && /^\/interaction\/[^/]+$/.test(ctx.path)) {
      await handleInteraction(ctx);
      return;
    }
  } catch (err) {
    const bad = err instanceof BadRequest;
    ctx.status = bad ? 400 : (err.statusCode ?? 500);
    ctx.type = 'application/json';
    ctx.body = {
      error: bad ? 'invalid_request' : (err.error ?? 'server_error'),
      error_description: err.error_description ?? err.message,
    };
    console.error(`oidc-idp: ${ctx.method} ${ctx.path}: ${err.message}`);
    if (!bad && !err.expose) console.error(err.stack);
    return;
  }

  await next();

  if (pendingFault && ctx.method === 'POST' && ctx.path === '/token'
      && ctx.status === 200 && typeof ctx.body?.id_token === 'string') {
    await applyFault(ctx);
  }
});

// --------------------------------------------------------------------------
// Server

serve(http.createServer(provider.callback()), { name: 'oidc-idp', port, base: issuer });
