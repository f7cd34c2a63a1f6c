/**
 * The Lambda runtimes a wsapp function may name: Node.js 22 and 24, the Node.js runtimes AWS Lambda
 * has not deprecated (nodejs20.x was deprecated on 2026-04-30) and the ones wsapp is tested on.
 */
export const SUPPORTED_NODE_RUNTIMES: readonly string[] = ['nodejs24.x', 'nodejs22.x'];

/** Why `runtime` is refused, or `undefined` when it is one of {@link SUPPORTED_NODE_RUNTIMES}. */
export function runtimeProblem(runtime: unknown): string | undefined {
  const name = String(runtime);
  if (SUPPORTED_NODE_RUNTIMES.includes(name)) return undefined;
  const major = /^nodejs(\d+)\.x$/.exec(name)?.[1];
  if (major !== undefined && Number(major) < 22) {
    return (
      `Runtime ${name} is deprecated by AWS Lambda (nodejs20.x since 2026-04-30; older ones before): ` +
      'use nodejs24.x or nodejs22.x'
    );
  }
  return `Runtime ${name} is not one wsapp supports: use nodejs24.x or nodejs22.x`;
}

/** `node24` for `nodejs24.x`: the esbuild target the CDK's `NodejsFunction` derives from a runtime. */
export function esbuildTarget(runtime: string): string | undefined {
  const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
  return major === undefined ? undefined : `node${major}`;
}
