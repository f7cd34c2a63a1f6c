import { WsappError } from '@wsapp/core';
import type { Cluster, Redis } from 'ioredis';

/**
 * The Redis server evicts keys under memory pressure (`maxmemory-policy` other than
 * `noeviction`), so the store refuses to run: an evicted record or membership key would make the
 * connection's record and the channel indexes silently disagree. Set `maxmemory-policy
 * noeviction`, or pass `allowEviction: true` to accept the risk.
 */
export class EvictionPolicyError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'EvictionPolicy';
  /** The policy the server reported. */
  readonly policy: string;
  constructor(policy: string, server: string) {
    super(
      EvictionPolicyError.code,
      `Redis ${server} has maxmemory-policy ${policy}: under memory pressure it evicts keys, and an ` +
        'evicted record or membership key leaves connections and channels silently out of step. ' +
        'Set maxmemory-policy noeviction (writes then fail with OOM instead), or pass allowEviction: true to accept it.',
    );
    this.policy = policy;
  }
}

/** What a server answered about its policy: the policy, or why it could not be read. */
type PolicyReading = { policy: string } | { unreadable: string };

/**
 * Reads a server's `maxmemory-policy`: `CONFIG GET` first, then `INFO memory` (ElastiCache and
 * other managed services disable CONFIG). A server that answers both with an error (not a
 * connection failure) is unreadable; a connection failure rejects, so the caller checks later.
 */
async function readPolicy(server: Redis): Promise<PolicyReading> {
  let configError: string;
  try {
    const reply = (await server.config('GET', 'maxmemory-policy')) as unknown;
    if (Array.isArray(reply) && reply.length >= 2) return { policy: String(reply[1]) };
    configError = 'CONFIG GET answered nothing';
  } catch (error) {
    if (!isReplyError(error)) throw error;
    configError = (error as Error).message;
  }
  try {
    const info = await server.info('memory');
    const match = /^maxmemory_policy:(\S+)/m.exec(info);
    if (match !== null) return { policy: match[1]! };
    return { unreadable: `${configError}; INFO memory has no maxmemory_policy` };
  } catch (error) {
    if (!isReplyError(error)) throw error;
    return { unreadable: `${configError}; ${(error as Error).message}` };
  }
}

/** An error reply from the server (it answered), as opposed to a connection or timeout failure. */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

/**
 * Checks every server the store writes to (each master of a Cluster) once: throws
 * {@link EvictionPolicyError} for an evicting policy unless `allowEviction`, and warns once when
 * eviction is allowed or the policy cannot be read.
 */
export async function checkEvictionPolicy(
  client: Redis | Cluster,
  allowEviction: boolean,
  warn: (message: string) => void,
): Promise<void> {
  // A Cluster client knows its masters once it is ready; a PING waits for that.
  if (client.isCluster) await client.ping();
  const servers: Redis[] = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  const readings = await Promise.all(servers.map(readPolicy));
  readings.forEach((reading, i) => {
    const name = `${servers[i]!.options.host ?? '?'}:${servers[i]!.options.port ?? '?'}`;
    if ('unreadable' in reading) {
      warn(
        `[wsapp/store-redis] could not read maxmemory-policy of ${name} (${reading.unreadable}); ` +
          'make sure it is noeviction: an evicting policy can leave records and memberships out of step.',
      );
    } else if (reading.policy !== 'noeviction') {
      if (!allowEviction) throw new EvictionPolicyError(reading.policy, name);
      warn(
        `[wsapp/store-redis] ${name} has maxmemory-policy ${reading.policy} (allowEviction: true): evicted keys ` +
          'leave records and memberships out of step.',
      );
    }
  });
}

/**
 * `checkEvictionPolicy` on first use, memoised: a verdict (fine, refused, unreadable) is kept; a
 * connection failure is not, so the next call checks again.
 */
export function evictionCheckOnce(
  client: Redis | Cluster,
  allowEviction: boolean,
  warn: (message: string) => void,
): () => Promise<void> {
  let verdict: Promise<void> | undefined;
  return () => {
    if (verdict === undefined) {
      const check = checkEvictionPolicy(client, allowEviction, warn);
      verdict = check;
      check.catch((error: unknown) => {
        if (!(error instanceof WsappError)) verdict = undefined;
      });
    }
    return verdict;
  };
}
