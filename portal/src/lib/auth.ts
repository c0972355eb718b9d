// Sign-in, tokens and sign-out, on Insignia's sign-in endpoints only:
//   1. the browser goes to the connection's loginUrl with return_to (this portal) and a PKCE
//      challenge; it comes back with ?insignia_code=...;
//   2. POST /t/<slug>/auth/token grant_type=authorization_code + code_verifier gives a short-lived
//      access token and a rotating refresh token;
//   3. before the access token runs out (or on a 401) the refresh token buys a new pair; after a
//      reload the session cookie (HTTP-only, same origin) does (grant_type=session);
//   4. POST /t/<slug>/auth/logout ends the session: its tokens stop working at once.
// The access and refresh tokens live in memory only (no storage an injected script could read);
// the PKCE verifier waits in sessionStorage during the round trip to the identity provider.

import { challengeFor, newVerifier } from './pkce';
import type { Connection } from './config';

interface Tokens {
  access: string;
  expiresAt: number;
  refresh: string | null;
  /** How the session renews: refresh token, cookie, or not at all (development login). */
  renew: 'refresh' | 'session' | 'none';
}

interface TokenAnswer {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
}

const PENDING = 'insignia.signin';
const DEV = 'insignia.dev';
const SKEW_MS = 30_000;

export class SignInError extends Error {}

type Listener = (signedIn: boolean) => void;

export class Auth {
  private tokens: Tokens | null = null;
  private renewing: Promise<boolean> | null = null;
  private listeners = new Set<Listener>();

  constructor(
    readonly slug: string,
    private readonly origin = location.origin,
  ) {}

  get signedIn(): boolean {
    return this.tokens !== null;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(tokens: Tokens | null): void {
    const was = this.tokens !== null;
    this.tokens = tokens;
    if (was !== (tokens !== null)) for (const listener of this.listeners) listener(tokens !== null);
  }

  private endpoint(path: 'token' | 'logout'): string {
    return `${this.origin}/t/${this.slug}/auth/${path}`;
  }

  /** Send the browser to the identity provider; it comes back to ``returnTo`` with a code. */
  async begin(connection: Connection, returnTo: string, loginHint?: string): Promise<never> {
    const verifier = newVerifier();
    sessionStorage.setItem(PENDING, JSON.stringify({ verifier, slug: this.slug }));
    const url = new URL(connection.loginUrl, this.origin);
    url.searchParams.set('return_to', returnTo);
    url.searchParams.set('code_challenge', await challengeFor(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    if (loginHint) url.searchParams.set('login_hint', loginHint);
    location.assign(url.toString());
    return new Promise<never>(() => undefined);
  }

  /** The hand-over code from the return URL, exchanged with the verifier kept for it. */
  async complete(code: string): Promise<void> {
    const pending = sessionStorage.getItem(PENDING);
    sessionStorage.removeItem(PENDING);
    const verifier = pending ? (JSON.parse(pending) as { verifier: string }).verifier : null;
    if (!verifier) throw new SignInError('This sign-in was not started here; please sign in again.');
    const answer = await this.grant({ grant_type: 'authorization_code', code, code_verifier: verifier });
    if (answer === null) throw new SignInError('The sign-in code expired or was already used; please sign in again.');
    this.accept(answer, 'refresh');
  }

  /** After a reload: a development token kept for this tab, or the session cookie. */
  async resume(): Promise<boolean> {
    const dev = sessionStorage.getItem(`${DEV}.${this.slug}`);
    if (dev) {
      const saved = JSON.parse(dev) as Tokens;
      if (saved.expiresAt - SKEW_MS > Date.now()) {
        this.set(saved);
        return true;
      }
      sessionStorage.removeItem(`${DEV}.${this.slug}`);
    }
    const answer = await this.grant({ grant_type: 'session' });
    if (answer === null) return false;
    this.accept(answer, 'session');
    return true;
  }

  /** Development mode only: a token for a person of this tenant by email. */
  async devLogin(email: string): Promise<void> {
    const response = await fetch(`${this.origin}/portal/${this.slug}/dev-login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    const body = (await response.json()) as TokenAnswer & { error_description?: string };
    if (!response.ok) throw new SignInError(body.error_description ?? 'The development login failed.');
    const tokens: Tokens = {
      access: body.access_token,
      expiresAt: Date.now() + body.expires_in * 1000,
      refresh: null,
      renew: 'none',
    };
    sessionStorage.setItem(`${DEV}.${this.slug}`, JSON.stringify(tokens));
    this.set(tokens);
  }

  private accept(answer: TokenAnswer, renew: 'refresh' | 'session'): void {
    const refresh = answer.refresh_token ?? null;
    this.set({
      access: answer.access_token,
      expiresAt: Date.now() + answer.expires_in * 1000,
      refresh,
      renew: refresh ? 'refresh' : renew,
    });
  }

  private async grant(form: Record<string, string>): Promise<TokenAnswer | null> {
    const response = await fetch(this.endpoint('token'), {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    if (response.status === 400 || response.status === 401) return null;
    if (!response.ok) throw new SignInError(`Sign-in is unavailable (${response.status}).`);
    return (await response.json()) as TokenAnswer;
  }

  /** A valid access token, renewed first when it is about to run out; null when signed out. */
  async token(): Promise<string | null> {
    if (this.tokens && this.tokens.expiresAt - SKEW_MS > Date.now()) return this.tokens.access;
    if (!this.tokens) return null;
    return (await this.renew()) ? this.tokens?.access ?? null : null;
  }

  /** Get a new access token (one renewal at a time); false when the session is over. */
  renew(): Promise<boolean> {
    this.renewing ??= this.doRenew().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private async doRenew(): Promise<boolean> {
    const current = this.tokens;
    if (!current || current.renew === 'none') {
      this.forget();
      return false;
    }
    let answer: TokenAnswer | null = null;
    if (current.refresh) answer = await this.grant({ grant_type: 'refresh_token', refresh_token: current.refresh });
    if (answer === null) answer = await this.grant({ grant_type: 'session' });
    if (answer === null) {
      this.forget();
      return false;
    }
    this.accept(answer, current.renew);
    return true;
  }

  private forget(): void {
    sessionStorage.removeItem(`${DEV}.${this.slug}`);
    this.set(null);
  }

  async signOut(): Promise<void> {
    const refresh = this.tokens?.refresh;
    this.forget();
    try {
      await fetch(this.endpoint('logout'), {
        method: 'POST',
        credentials: 'include',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(refresh ? { refresh_token: refresh } : {}).toString(),
      });
    } catch {
      // Offline: the tokens are forgotten here, and the access token expires on its own.
    }
  }
}
