import { packageConfig } from '../../tsup.base.js';

// The conformance suite imports vitest, so it lives behind its own entry point.
export default packageConfig({ entry: { index: 'src/index.ts', conformance: 'src/conformance/index.ts' } });
