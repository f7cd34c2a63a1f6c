import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A built function: its file and the name of its exported handler. */
export interface BuiltFunction {
  /** The bundled file (`websocket.js`). */
  file: string;
  /** The exported function's name. Default `handler`. */
  handler?: string;
}

/** Options of {@link serveBuiltFunctions}. */
export interface ServeBuiltOptions {
  /** The built WebSocket function. */
  app: BuiltFunction;
  /** The built `$connect` REQUEST authorizer, if any. */
  authorizer?: BuiltFunction;
  /** The stage, as the template declares it. */
  stage: string;
  /** Every route key the API declares, `$connect` and `$disconnect` included. */
  routes: readonly string[];
  /** The route keys with a route response (the app's two-way routes). */
  twoWayRoutes: readonly string[];
  /**
   * The process environment: the function's (see `functionEnvironment`) plus what Lambda sets and
   * the SDK's endpoint variables for local stand-ins. `WS_ENDPOINT` is set to the emulator's.
   */
  environment: Record<string, string>;
  /** `NODE_PATH`: what the runtime provides (see {@link lambdaRuntimeModules}). */
  nodePath: string;
}

/** The emulator serving built functions (see {@link serveBuiltFunctions}). */
export interface BuiltFunctionsServer {
  /** `ws://127.0.0.1:<port>/<stage>`. */
  url: string;
  /** The management endpoint the functions were given as `WS_ENDPOINT`. */
  endpoint: string;
  /** The process id of the process running the functions and the emulator. */
  pid: number;
  /** Stops the process (SIGTERM, then waits for it to exit). */
  close(): Promise<void>;
}

/**
 * Runs built Lambda bundles as Lambda runs them — required as CommonJS in a fresh Node.js process
 * whose environment is only `options.environment`, with `NODE_PATH` as the runtime's — behind the
 * API Gateway emulator (`serve` from `@wsapp/local`), so a test exercises the very code a template
 * or cloud assembly deploys. Resolves once the emulator listens (60 s at most).
 */
export async function serveBuiltFunctions(options: ServeBuiltOptions): Promise<BuiltFunctionsServer> {
  // From the sources (vitest), the host runs through tsx; from the build, it is plain JavaScript.
  const fromSources = import.meta.url.endsWith('.ts');
  const host = fromSources
    ? fileURLToPath(new URL('./built-function-host.ts', import.meta.url))
    : fileURLToPath(new URL('./sam-host.js', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [...(fromSources ? ['--import', 'tsx'] : []), host], {
    cwd: dirname(host),
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      PATH: process.env.PATH,
      ...options.environment,
      NODE_PATH: options.nodePath,
      WSAPP_BUILT_FUNCTIONS: JSON.stringify({
        app: options.app.file,
        handler: options.app.handler ?? 'handler',
        authorizer: options.authorizer?.file,
        authorizerHandler: options.authorizer?.handler ?? 'handler',
        stage: options.stage,
        routes: options.routes,
        twoWayRoutes: options.twoWayRoutes,
        functionName: options.environment.AWS_LAMBDA_FUNCTION_NAME ?? 'wsapp-function',
      }),
    },
  });
  const ready = await new Promise<{ url: string; endpoint: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('built functions did not start within 60 s')), 60_000);
    child.stdout?.once('data', (data: Buffer) => {
      clearTimeout(timer);
      resolve(JSON.parse(String(data).split('\n')[0] ?? '{}') as { url: string; endpoint: string });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the built functions' process exited with ${code}`));
    });
  });
  return {
    ...ready,
    pid: child.pid as number,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * A `node_modules` holding only what the Lambda Node.js runtime provides on its NODE_PATH: the
 * `@aws-sdk/*` packages the bundles name (found in their text), linked from the dependencies of
 * the package at `from`. Made at `dir/runtime/node_modules`: keep the bundles out of `dir`'s
 * ancestors' reach (e.g. in `dir/app`), so that anything a bundle did not bundle fails to load, as
 * on Lambda — and so does an `import()` of the SDK (NODE_PATH is read by `require()` only).
 * Returns the path, for {@link ServeBuiltOptions.nodePath}.
 */
export function lambdaRuntimeModules(dir: string, bundles: readonly string[], from: string): string {
  const wanted = new Set<string>();
  for (const bundle of bundles) {
    for (const match of readFileSync(bundle, 'utf8').matchAll(/["'](@aws-sdk\/[a-z0-9-]+)["']/g)) {
      wanted.add(match[1] as string);
    }
  }
  const resolve = createRequire(join(from, 'package.json')).resolve;
  const root = join(dir, 'runtime', 'node_modules');
  mkdirSync(join(root, '@aws-sdk'), { recursive: true });
  for (const name of wanted) {
    symlinkSync(realpathSync(dirname(resolve(`${name}/package.json`))), join(root, name), 'dir');
  }
  return root;
}
