/**
 * Redis endpoints for this package's integration tests. The ONLY file that knows where Redis
 * comes from: `REDIS_URL` / `REDIS_CLUSTER_NODES` (comma-separated host:port) when set, otherwise
 * `redis-server` child processes on free loopback ports, killed by PID when the test file ends
 * (afterAll) or the process exits. To be replaced by the shared harness of `@wsapp/testing`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';

const run = promisify(execFile);
const HOST = '127.0.0.1';

/** A redis-server child process this file started. */
export interface RedisProcess {
  port: number;
  /** Kills the process (SIGKILL) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after `kill`). */
  restart(): Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the process: a server that accepts but never answers. */
  freeze(frozen: boolean): void;
}

const started = new Set<ChildProcess>();
const tempDirs: string[] = [];

function killAll(): void {
  for (const child of started)
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  started.clear();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
process.once('exit', killAll);
afterAll(killAll);

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', HOST, '-p', String(port), ...args]);
  return stdout;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Starts `redis-server` on `port` (a free one when omitted) and waits until it answers PING. */
export async function startRedisProcess(port?: number, extraArgs: string[] = []): Promise<RedisProcess> {
  const p = port ?? (await freePort());
  let child: ChildProcess | undefined;
  const start = async () => {
    const args = ['--port', String(p), '--bind', HOST, '--save', '', '--appendonly', 'no', ...extraArgs];
    const spawned = spawn('redis-server', args, { stdio: 'ignore' });
    child = spawned;
    started.add(spawned);
    spawned.once('exit', () => started.delete(spawned));
    await waitFor(async () => (await cli(p, 'PING')).trim() === 'PONG', `redis-server on port ${p}`);
  };
  await start();
  return {
    port: p,
    async kill() {
      const current = child;
      if (current?.pid === undefined || current.exitCode !== null) return;
      const exited = new Promise((r) => current.once('exit', r));
      process.kill(current.pid, 'SIGKILL');
      await exited;
    },
    restart: start,
    freeze(frozen) {
      if (child?.pid !== undefined) process.kill(child.pid, frozen ? 'SIGSTOP' : 'SIGCONT');
    },
  };
}

let standalone: Promise<string> | undefined;
let cluster: Promise<Array<{ host: string; port: number }>> | undefined;

/** URL of a standalone Redis: `REDIS_URL`, or a server this file started. */
export async function redisUrl(): Promise<string> {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  standalone ??= startRedisProcess().then((server) => `redis://${HOST}:${server.port}`);
  return standalone;
}

/** Seed nodes of a 3-master Redis Cluster: `REDIS_CLUSTER_NODES`, or one this file started. */
export async function redisClusterNodes(): Promise<Array<{ host: string; port: number }>> {
  const fromEnv = process.env.REDIS_CLUSTER_NODES;
  if (fromEnv) {
    return fromEnv.split(',').map((entry) => {
      const [host, port] = entry.trim().split(':');
      return { host: host ?? HOST, port: Number(port) };
    });
  }
  cluster ??= startCluster();
  return cluster;
}

async function startCluster(): Promise<Array<{ host: string; port: number }>> {
  const dir = mkdtempSync(join(tmpdir(), 'wsapp-redis-cluster-'));
  tempDirs.push(dir);
  const ports = [await freePort(), await freePort(), await freePort()];
  await Promise.all(
    ports.map((port) =>
      startRedisProcess(port, [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--dir',
        dir,
      ]),
    ),
  );
  await run('redis-cli', [
    '--cluster',
    'create',
    ...ports.map((port) => `${HOST}:${port}`),
    '--cluster-replicas',
    '0',
    '--cluster-yes',
  ]);
  for (const port of ports) {
    await waitFor(
      async () => (await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'),
      `cluster on ${port}`,
    );
  }
  return ports.map((port) => ({ host: HOST, port }));
}
