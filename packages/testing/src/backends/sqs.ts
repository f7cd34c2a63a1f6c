import { existsSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { announce } from './announce.js';
import { freePort } from './ports.js';
import { killTracked, spawnTracked } from './processes.js';
import type { SqsBackend } from './types.js';
import { waitUntil } from './wait.js';

/** fauxqs's ESM entry, found in the nearest `node_modules` up from this file (it exports no CJS path). */
function fauxqsEntry(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const pkg = join(dir, 'node_modules', 'fauxqs', 'package.json');
    if (existsSync(pkg)) {
      const manifest = JSON.parse(readFileSync(pkg, 'utf8')) as {
        version: string;
        exports: Record<string, { import: { default: string } }>;
      };
      const entry = manifest.exports['.']?.import.default ?? './dist/app.js';
      return JSON.stringify({
        url: pathToFileURL(join(dirname(pkg), entry)).href,
        version: manifest.version,
      });
    }
    if (dirname(dir) === dir)
      throw new Error('[wsapp/testing] sqs: fauxqs is not installed (npm install -D fauxqs@1)');
  }
}

// fauxqs's own startFauxqs listens on 0.0.0.0; its app is listened on loopback instead.
const RUNNER = `
const { buildApp } = await import(process.env.WSAPP_FAUXQS_URL);
const app = buildApp({ logger: false });
await app.listen({ port: Number(process.env.WSAPP_FAUXQS_PORT), host: '127.0.0.1' });
`;

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/health', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('error', () => resolve(false));
    req.once('timeout', () => req.destroy());
  });
}

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * Starts (or finds) an SQS (and SNS) emulator for tests: `SQS_ENDPOINT` as is, otherwise
 * [fauxqs](https://www.npmjs.com/package/fauxqs) 1.x as a child process on a free loopback port
 * (there is no container way: no image can be pulled here). Configure the AWS SDK clients with
 * `endpoint`, `region` and `credentials`; queue URLs fauxqs answers name the host
 * `sqs.<region>.localhost`, which the SDK ignores when an endpoint is configured.
 */
export async function startSqs(): Promise<SqsBackend> {
  const fromEnv = process.env.SQS_ENDPOINT;
  if (fromEnv) {
    announce('sqs', `env SQS_ENDPOINT ${fromEnv}`);
    return { kind: 'env', endpoint: fromEnv, region: 'us-east-1', credentials, stop: async () => {} };
  }
  const { url, version } = JSON.parse(fauxqsEntry()) as { url: string; version: string };
  const port = await freePort();
  const proc = await spawnTracked(process.execPath, ['--input-type=module', '-e', RUNNER], {
    env: { ...process.env, WSAPP_FAUXQS_URL: url, WSAPP_FAUXQS_PORT: String(port), NODE_NO_WARNINGS: '1' },
  });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= killTracked(proc);
    return stopped;
  };
  try {
    await waitUntil(() => healthy(port), { what: 'fauxqs /health', timeoutMs: 30_000, intervalMs: 100 });
  } catch (error) {
    await stop();
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  announce('sqs', `process fauxqs ${version} on ${endpoint}`);
  return { kind: 'process', endpoint, region: 'us-east-1', credentials, pid: proc.pid, stop };
}
