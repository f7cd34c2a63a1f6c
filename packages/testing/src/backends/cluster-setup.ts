import { redisCommand } from './redis-command.js';
import type { RedisNodeAddress } from './types.js';
import { waitUntil } from './wait.js';

const SLOTS = 16_384;

/** A node to join: its client address and its cluster bus port (`--cluster-port`). */
export interface ClusterNode extends RedisNodeAddress {
  busPort: number;
}

/** Reads one field of `CLUSTER INFO` from a node. */
async function clusterInfoField(node: RedisNodeAddress, field: string): Promise<string | undefined> {
  const info = String(await redisCommand(node.host, node.port, ['CLUSTER', 'INFO']));
  return info.match(new RegExp(`^${field}:(\\S+)`, 'm'))?.[1];
}

/**
 * Joins fresh cluster-enabled nodes into one cluster of masters: distinct config epochs, an even
 * split of the 16384 slots (`CLUSTER ADDSLOTSRANGE`), `CLUSTER MEET` from the first node, then waits
 * until every node reports `cluster_state:ok` and knows every other node.
 */
export async function formCluster(nodes: ClusterNode[], timeoutMs = 30_000): Promise<void> {
  const per = Math.ceil(SLOTS / nodes.length);
  await Promise.all(
    nodes.map(async (node, i) => {
      await redisCommand(node.host, node.port, ['CLUSTER', 'SET-CONFIG-EPOCH', i + 1]);
      const first = i * per;
      const last = Math.min(SLOTS, first + per) - 1;
      await redisCommand(node.host, node.port, ['CLUSTER', 'ADDSLOTSRANGE', first, last]);
    }),
  );
  const [seed, ...others] = nodes;
  for (const other of others) {
    await redisCommand(seed!.host, seed!.port, ['CLUSTER', 'MEET', other.host, other.port, other.busPort]);
  }
  await waitUntil(
    async () => {
      for (const node of nodes) {
        if ((await clusterInfoField(node, 'cluster_state')) !== 'ok') return false;
        if (Number(await clusterInfoField(node, 'cluster_known_nodes')) !== nodes.length) return false;
      }
      return true;
    },
    { what: 'cluster_state:ok on every node', timeoutMs, intervalMs: 100 },
  );
}
