import { packageConfig } from '../../tsup.base.js';

// `@wsapp/core/store` (and `/secrets`, for `lazySdk`) re-exports the root entry by name (kept external), so each class exists
// once whichever entry it was imported from, and the root stays one file (no chunk to load).
export default packageConfig({
  entry: {
    index: 'src/index.ts',
    middleware: 'src/middleware/index.ts',
    store: 'src/store-authoring.ts',
    secrets: 'src/secrets/index.ts',
  },
  external: ['@wsapp/core'],
  // The self-reference resolves to the sources while the declarations are built.
  dts: { compilerOptions: { baseUrl: '.', paths: { '@wsapp/core': ['./src/index.ts'] } } },
});
