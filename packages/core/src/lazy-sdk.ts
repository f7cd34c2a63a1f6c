import { WsappError } from './errors/wsapp-error.js';

/**
 * Memoises a dynamic import of an optional AWS SDK client package, so it is loaded on first use
 * only (routing alone never pays for it at cold start), and a missing package fails with
 * `MissingDependency` naming the install command instead of a bare module error. A failed import
 * is retried on the next call. The one lazy loader of wsapp (messaging, fan-out, forward targets).
 *
 * @param packageName - the package `load` imports, named in the error.
 * @param load - the dynamic import, e.g. `() => import('@aws-sdk/client-sqs')`.
 * @param user - what needs the package, for the error message (default `This target`).
 */
export function lazySdk<T>(
  packageName: string,
  load: () => Promise<T>,
  user = 'This target',
): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw new WsappError('MissingDependency', `${user} needs ${packageName}: npm install ${packageName}`, {
        cause: error,
      });
    });
    return pending;
  };
}
