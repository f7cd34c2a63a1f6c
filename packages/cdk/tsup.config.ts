import { packageConfig } from '../../tsup.base.js';

// Two entries: the construct (synth time) and the function-side helpers (bundled into Lambda code).
export default packageConfig({ entry: { index: 'src/index.ts', runtime: 'src/runtime/index.ts' } });
