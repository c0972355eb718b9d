// The GraphQL client: one POST per operation to /graphql with the bearer token. Each document is
// generated with its sha256 (codegen, persisted documents), sent in extensions.persistedQuery as
// the standard persisted-query protocol has it, together with the document: one request, whether
// or not the server already knows the hash. A 401 renews the token and retries once, so an edit
// in progress survives an expired token.

import type { Auth } from './auth';

export interface UserError {
  code: string;
  field?: string | null;
  message: string;
}

interface Document<TResult, TVariables> {
  toString(): string;
  __meta__?: Record<string, unknown>;
  __apiType?: (variables: TVariables) => TResult;
}

export type ResultOf<D> = D extends Document<infer R, unknown> ? R : never;

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export class SignedOut extends ApiError {}

export class Api {
  constructor(
    private readonly auth: Auth,
    private readonly endpoint = '/graphql',
  ) {}

  async request<TResult, TVariables>(
    document: Document<TResult, TVariables>,
    ...[variables]: TVariables extends Record<string, never> ? [] | [TVariables] : [TVariables]
  ): Promise<TResult> {
    const query = document.toString();
    const hash = document.__meta__?.hash as string | undefined;
    const body = JSON.stringify({
      query,
      variables: variables ?? {},
      ...(hash ? { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } } : {}),
    });
    for (let attempt = 0; ; attempt++) {
      const token = await this.auth.token();
      if (!token) throw new SignedOut('Your session has ended: please sign in again.', 401);
      const response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, Accept: 'application/json' },
        body,
      });
      if (response.status === 401 && attempt === 0 && (await this.auth.renew())) continue;
      if (response.status === 401) throw new SignedOut('Your session has ended: please sign in again.', 401);
      if (response.status === 429) {
        const wait = response.headers.get('Retry-After');
        throw new ApiError(`Too many requests; try again${wait ? ` in ${wait} s` : ' shortly'}.`, 429, 'RATE_LIMITED');
      }
      let payload: { data?: TResult; errors?: { message: string; extensions?: { code?: string } }[] };
      try {
        payload = await response.json();
      } catch {
        throw new ApiError(`The server answered ${response.status}.`, response.status);
      }
      if (payload.errors?.length) {
        const first = payload.errors[0];
        throw new ApiError(
          payload.errors.map((e) => e.message).join(' '),
          response.status,
          first.extensions?.code,
        );
      }
      if (!payload.data) throw new ApiError(`The server answered ${response.status}.`, response.status);
      return payload.data;
    }
  }
}

/** Mutation errors by the input field they name ("requirement.allOf.1.nOf.n"), "" for the rest. */
export function byField(errors: readonly UserError[] | null | undefined, prefix = 'input.'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of errors ?? []) {
    let field = error.field ?? '';
    if (field.startsWith(prefix)) field = field.slice(prefix.length);
    out[field] = out[field] ? `${out[field]} ${error.message}` : error.message;
  }
  return out;
}
