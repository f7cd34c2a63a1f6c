import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';
import { killTracked, makeTempDir, removeTempDir, spawnTracked } from './processes.js';
import { redisPing } from './redis-command.js';
import { waitUntil } from './wait.js';

/** A `redis-server` child process on 127.0.0.1. */
export interface RedisProcess {
  host: string;
  port: number;
  pid: number;
  /** Cluster bus port (`--cluster-port`) when started with `cluster`. */
  busPort?: number;
  stop(): Promise<void>;
}

/** The `redis-server` to run: `WSAPP_REDIS_SERVER` or the one on PATH. */
export function redisServerCommand(): string {
  return process.env.WSAPP_REDIS_SERVER ?? 'redis-server';
}

/** The version `redis-server --version` prints (e.g. `7.0.15`), or `unknown`. */
export async function redisServerVersion(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(redisServerCommand(), ['--version']);
    return stdout.match(/v=(\S+)/)?.[1] ?? 'unknown';
  } catch (error) {
    throw new Error(
      `redis-server is not available (${(error as Error).message}); install it (Debian: apt-get install redis-server), ` +
        'set REDIS_URL, or use a container engine',
    );
  }
}

/**
 * Starts `redis-server` on a free loopback port with nothing persisted (`--save '' --appendonly no`)
 * and its files in a temp dir; with `cluster`, as a cluster-enabled node announcing 127.0.0.1.
 */
export async function startRedisProcess(options: { cluster?: boolean } = {}): Promise<RedisProcess> {
  const host = '127.0.0.1';
  const dir = makeTempDir('redis');
  const logFile = join(dir, 'redis.log');
  const port = await freePort();
  const args = ['--bind', host, '--port', String(port), '--save', '', '--appendonly', 'no'];
  args.push('--dir', dir, '--logfile', logFile, '--daemonize', 'no', '--protected-mode', 'no');
  const busPort = options.cluster ? await freePort() : undefined;
  if (busPort !== undefined) {
    args.push('--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'));
    args.push(
      '--cluster-port',
      String(busPort),
      '--cluster-announce-ip',
      host,
      '--cluster-node-timeout',
      '5000',
    );
  }
  const proc = await spawnTracked(redisServerCommand(), args);
  const stop = async () => {
    await killTracked(proc);
    removeTempDir(dir);
  };
  try {
    await waitUntil(() => redisPing(host, port), {
      what: `redis-server on ${host}:${port}`,
      timeoutMs: 15_000,
      detail: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2_000) : ''),
    });
  } catch (error) {
    await stop();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return { host, port, pid: proc.pid, busPort, stop: () => (stopped ??= stop()) };
}
