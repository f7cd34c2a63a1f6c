import { announce } from './announce.js';
import { formCluster } from './cluster-setup.js';
import { runContainer } from './containers.js';
import { freePorts } from './ports.js';
import { redisImage } from './redis.js';
import { type RedisProcess, redisServerVersion, startRedisProcess } from './redis-process.js';
import type { RedisClusterBackend, RedisNodeAddress, StartOptions } from './types.js';
import { startChosen } from './way.js';

/** Options of {@link startRedisCluster}. */
export interface RedisClusterOptions extends StartOptions {
  /** Number of master nodes (no replicas); default 3. */
  masters?: number;
}

/** Parses `REDIS_CLUSTER_NODES` (`host:port,host:port,…`). */
export function parseClusterNodes(value: string): RedisNodeAddress[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.lastIndexOf(':');
      const port = Number(entry.slice(at + 1));
      if (at <= 0 || !Number.isInteger(port)) throw new Error(`REDIS_CLUSTER_NODES: bad entry "${entry}"`);
      return { host: entry.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port };
    });
}

function backend(kind: RedisClusterBackend['kind'], nodes: RedisNodeAddress[], stop: () => Promise<void>) {
  let stopped: Promise<void> | undefined;
  const first = nodes[0]!;
  return { kind, nodes, url: `redis://${first.host}:${first.port}`, stop: () => (stopped ??= stop()) };
}

async function stopAll(stops: (() => Promise<void>)[]): Promise<void> {
  await Promise.allSettled(stops.map((stop) => stop()));
}

/** Starts `count` items in parallel; if any fails, stops the ones that started and rethrows. */
async function startAll<T extends { stop(): Promise<void> }>(
  count: number,
  start: (i: number) => Promise<T>,
) {
  const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => start(i)));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) {
    await stopAll(started.map((s) => () => s.stop()));
    throw failure.reason;
  }
  return started;
}

async function inContainers(masters: number): Promise<RedisClusterBackend> {
  const image = redisImage();
  const host = '127.0.0.1';
  // Host networking: nodes listen on host loopback ports, so the addresses they announce
  // (127.0.0.1) are the ones both the other nodes and the tests reach.
  const ports = await freePorts(masters * 2);
  const nodes = await startAll(masters, (i) =>
    runContainer({
      image,
      hostNetwork: true,
      readyLog: /Ready to accept connections/,
      command: [
        'redis-server',
        ...['--bind', host, '--port', String(ports[i]), '--cluster-port', String(ports[masters + i])],
        ...['--cluster-enabled', 'yes', '--cluster-announce-ip', host, '--cluster-node-timeout', '5000'],
        ...['--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
      ],
    }),
  );
  const addresses = ports.slice(0, masters).map((port) => ({ host, port }));
  const stop = () => stopAll(nodes.map((n) => n.stop));
  await formCluster(addresses.map((a, i) => ({ ...a, busPort: ports[masters + i]! }))).catch(
    async (error) => {
      await stop();
      throw error;
    },
  );
  announce(
    'redis-cluster',
    `container ${image} ×${masters} (host network) on ${addresses.map((a) => `${a.host}:${a.port}`).join(',')}`,
  );
  return backend('container', addresses, stop);
}

async function asProcesses(masters: number): Promise<RedisClusterBackend> {
  const version = await redisServerVersion();
  const nodes: RedisProcess[] = await startAll(masters, () => startRedisProcess({ cluster: true }));
  const addresses = nodes.map(({ host, port }) => ({ host, port }));
  const stop = () => stopAll(nodes.map((n) => n.stop));
  await formCluster(nodes.map(({ host, port, busPort }) => ({ host, port, busPort: busPort! }))).catch(
    async (error) => {
      await stop();
      throw error;
    },
  );
  announce(
    'redis-cluster',
    `process redis-server ${version} ×${masters} on ${addresses.map((a) => `${a.host}:${a.port}`).join(',')}`,
  );
  return { ...backend('process', addresses, stop), pid: nodes[0]!.pid, pids: nodes.map((n) => n.pid) };
}

/**
 * Starts (or finds) a Redis Cluster of masters with every slot assigned. Order of choice:
 * `REDIS_CLUSTER_NODES` as is; containers (`WSAPP_REDIS_IMAGE`, host networking) when a container
 * engine answers; `redis-server --cluster-enabled yes` child processes on free loopback ports.
 * `WSAPP_BACKEND=process|container` or `options.backend` forces a way.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisClusterBackend> {
  const masters = options.masters ?? 3;
  if (!Number.isInteger(masters) || masters < 1)
    throw new Error(`masters must be a positive integer: ${masters}`);
  const env = process.env.REDIS_CLUSTER_NODES;
  if (env && !options.backend) {
    const nodes = parseClusterNodes(env);
    announce('redis-cluster', `env REDIS_CLUSTER_NODES ${env}`);
    return backend('env', nodes, async () => {});
  }
  return startChosen(
    'redis-cluster',
    options.backend,
    () => inContainers(masters),
    () => asProcesses(masters),
  );
}
