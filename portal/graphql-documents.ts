// A Vite plugin that replaces each `graphql(`...`)` call of the portal's sources with its
// persisted document: the normalised text codegen hashed and its sha256. At run time a screen
// carries only its own operations (no document map, no GraphQL parser), the text sent is exactly
// the one hashed (so a server checking hash against text agrees), and the build writes
// persisted-operations.json (hash -> document) for a server's allow-list.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';

const MANIFEST = resolve(import.meta.dirname, 'src/gql/persisted-documents.json');
const CALL = /graphql\(\s*`([\s\S]*?)`\s*\)/g;
const IMPORT = /import\s*\{\s*graphql\s*\}\s*from\s*['"][./]*(?:\.\.\/)*gql['"];?\n/;

interface Persisted {
  hash: string;
  text: string;
}

function load(): Map<string, Persisted> {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>;
  const byName = new Map<string, Persisted>();
  for (const [key, text] of Object.entries(manifest)) {
    const name = /(?:^|\s)(?:query|mutation|subscription)\s+(\w+)/.exec(text)?.[1];
    if (name) byName.set(name, { hash: key.replace(/^sha256:/, ''), text });
  }
  return byName;
}

export function persistedDocuments(): Plugin {
  let documents = new Map<string, Persisted>();
  return {
    name: 'insignia-persisted-documents',
    enforce: 'pre',
    buildStart() {
      documents = load();
      this.addWatchFile(MANIFEST);
    },
    transform(code, id) {
      if (!/\/src\/(?!gql\/).*\.tsx?$/.test(id) || !code.includes('graphql(')) return null;
      const out = code.replace(CALL, (_, source: string) => {
        const head = /^\s*(query|mutation|subscription|fragment)\s+(\w+)/.exec(source);
        if (!head) this.error(`${id}: a graphql() document must start with a named operation or fragment`);
        if (head[1] === 'fragment') return 'undefined /* fragment: spread into operations by codegen */';
        const found = documents.get(head[2]);
        if (!found) this.error(`${id}: ${head[2]} is not in the persisted documents; run npm run codegen`);
        return `({ __meta__: { hash: ${JSON.stringify(found.hash)} }, toString() { return ${JSON.stringify(found.text)}; } })`;
      });
      return { code: out.replace(IMPORT, ''), map: null };
    },
    generateBundle() {
      const manifest = Object.fromEntries([...documents.values()].map((d) => [d.hash, d.text]));
      this.emitFile({ type: 'asset', fileName: 'persisted-operations.json', source: `${JSON.stringify(manifest, null, 2)}\n` });
    },
  };
}
