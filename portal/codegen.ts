// Types for every operation of the portal, generated from the server's schema (schema.graphql,
// printed by `npm run schema`). Each operation carries its sha256: the client sends it as a
// persisted query, and the build writes the manifest the server can allow-list.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
      config: {
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string', Date: 'string', JSON: 'unknown', Upload: 'never' },
        skipTypename: true,
      },
    },
  },
};

export default config;
