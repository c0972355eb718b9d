// Screens read through useQuery: cached per document and variables for back-and-forth navigation
// (shown at once, then refreshed), with loading and error states; mutations call invalidate().

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from './api';

type Doc<R, V> = { toString(): string; __meta__?: Record<string, unknown>; __apiType?: (v: V) => R };

const cache = new Map<string, unknown>();
const fetchedAt = new Map<string, number>();
/** An answer this young is shown without asking again (the first screen is one request). */
const FRESH_MS = 5000;
let generation = 0;
const subscribers = new Set<() => void>();

/** Forget every cached answer and refresh what is on screen (after a mutation). */
export function invalidate(): void {
  cache.clear();
  fetchedAt.clear();
  generation++;
  for (const s of subscribers) s();
}

export function prime<R, V>(doc: Doc<R, V>, variables: V | undefined, data: R): void {
  cache.set(keyOf(doc, variables), data);
  fetchedAt.set(keyOf(doc, variables), Date.now());
}

function keyOf(doc: { toString(): string; __meta__?: Record<string, unknown> }, variables: unknown): string {
  return `${(doc.__meta__?.hash as string) ?? doc.toString()}:${JSON.stringify(variables ?? {})}`;
}

export interface QueryState<R> {
  data: R | undefined;
  error: Error | null;
  loading: boolean;
  reload: () => void;
}

export function useQuery<R, V>(api: Api, doc: Doc<R, V>, variables?: V, skip = false): QueryState<R> {
  const key = keyOf(doc, variables);
  const [state, setState] = useState<{ key: string; data: R | undefined; error: Error | null; loading: boolean }>(
    () => ({ key, data: cache.get(key) as R | undefined, error: null, loading: !skip }),
  );
  const [tick, setTick] = useState(0);
  const latest = useRef(key);
  latest.current = key;

  useEffect(() => {
    const refresh = () => setTick((n) => n + 1);
    subscribers.add(refresh);
    return () => {
      subscribers.delete(refresh);
    };
  }, []);

  useEffect(() => {
    if (skip) return;
    const cached = cache.get(key) as R | undefined;
    if (cached !== undefined && tick === 0 && Date.now() - (fetchedAt.get(key) ?? 0) < FRESH_MS) {
      setState({ key, data: cached, error: null, loading: false });
      return;
    }
    setState((s) => ({ key, data: s.key === key ? s.data ?? cached : cached, error: null, loading: true }));
    const started = generation;
    (api.request as (d: Doc<R, V>, v?: V) => Promise<R>)(doc, variables).then(
      (data) => {
        if (started === generation) {
          cache.set(key, data);
          fetchedAt.set(key, Date.now());
        }
        if (latest.current === key) setState({ key, data, error: null, loading: false });
      },
      (error: Error) => {
        if (latest.current === key) setState((s) => ({ ...s, key, error, loading: false }));
      },
    );
  }, [key, tick, skip]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  const data = state.key === key ? state.data : (cache.get(key) as R | undefined);
  return { data, error: state.key === key ? state.error : null, loading: state.loading || state.key !== key, reload };
}
