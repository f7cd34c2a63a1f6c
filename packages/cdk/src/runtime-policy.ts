import { Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda';

/** Oldest Node.js major the construct deploys: nodejs20.x is deprecated (2026-04-30). */
export const OLDEST_NODE_MAJOR = 22;
/** Newest Node.js major wsapp is tested on; a newer one is refused until it is. */
const NEWEST_NODE_MAJOR = 24;

/** The default runtime: nodejs24.x (Active LTS). */
export const DEFAULT_RUNTIME: Runtime = Runtime.NODEJS_24_X;

/**
 * Throws unless `runtime` is nodejs24.x or nodejs22.x (Node.js majors {@link OLDEST_NODE_MAJOR} to
 * 24): the Node.js runtimes AWS Lambda has not deprecated and wsapp is tested on.
 */
export function checkRuntime(runtime: Runtime): Runtime {
  const major = /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1];
  if (runtime.family !== RuntimeFamily.NODEJS || major === undefined) {
    throw new TypeError(`runtime ${runtime.name}: a wsapp function needs a Node.js runtime (nodejs24.x)`);
  }
  if (Number(major) < OLDEST_NODE_MAJOR) {
    throw new TypeError(
      `runtime ${runtime.name} is deprecated by AWS Lambda; use nodejs24.x or nodejs${OLDEST_NODE_MAJOR}.x`,
    );
  }
  if (Number(major) > NEWEST_NODE_MAJOR) {
    throw new TypeError(
      `runtime ${runtime.name} is not one wsapp is tested on yet; use nodejs24.x or nodejs${OLDEST_NODE_MAJOR}.x`,
    );
  }
  return runtime;
}
