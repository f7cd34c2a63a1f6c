import { WsappError } from '@wsapp/core';

/**
 * Memoises a dynamic import of an optional AWS SDK client package, so forwarding routes load it
 * on first use only, and a missing package fails with the install command instead of a bare
 * module error. A failed import is retried on the next call.
 */
export function lazySdk<T>(packageName: string, load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw new WsappError(
        'MissingDependency',
        `This target needs ${packageName}: npm install ${packageName}`,
        {
          cause: error,
        },
      );
    });
    return pending;
  };
}
