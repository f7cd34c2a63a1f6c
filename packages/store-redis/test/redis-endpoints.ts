/**
 * Redis for this package's integration tests. Shared servers come from the harness's global
 * setup (`inject`); the restart tests start a `redis-server` of their own here, because they kill
 * and freeze it, killed by PID when the test file ends or the process exits.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, inject } from 'vitest';

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

/** URL of the run's shared standalone Redis, from the integration harness (see @wsapp/testing). */
export async function redisUrl(): Promise<string> {
  return inject('wsappRedisUrl');
}

/** Seed nodes of the run's shared 3-master Redis Cluster, from the integration harness. */
export async function redisClusterNodes(): Promise<Array<{ host: string; port: number }>> {
  return inject('wsappRedisClusterNodes');
}
