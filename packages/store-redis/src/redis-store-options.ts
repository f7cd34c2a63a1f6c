import type { BaseConnectionStoreOptions, Logger } from '@wsapp/core';
import { type Cluster, Redis } from 'ioredis';

/** An ioredis client: a standalone `Redis` or a `Cluster`. */
export type RedisClient = Redis | Cluster;

/** Options shared by both ways of giving the store its connection. */
export interface RedisStoreCommonOptions extends BaseConnectionStoreOptions {
  /** Prefix of every key this store writes (default `wsapp:`); must not contain `{` or `}`. */
  keyPrefix?: string;
  /**
   * Longest a store operation may take, in milliseconds (default 2000), after which it rejects
   * with `StoreUnavailableError`. Also the `commandTimeout` and `connectTimeout` of a client the
   * store creates from `url`.
   */
  commandTimeoutMs?: number;
  /**
   * Seconds added to `expiresAt` for the Redis `EXPIREAT` of every key (default 30), so clock skew
   * between Lambda and Redis never deletes a key before the store's clock sees it expire. Reads
   * compare `expiresAt` with the store's clock; Redis expiry is only the cleanup.
   */
  expirySlackSeconds?: number;
  /**
   * Run even when a server's `maxmemory-policy` evicts keys (default `false`: the first operation
   * checks every server and fails with `EvictionPolicyError`; see the README). With `true` the
   * store warns once instead.
   */
  allowEviction?: boolean;
  /** Where the store's warnings go (default `console`). */
  logger?: Pick<Logger, 'warn'>;
  /**
   * Whether the servers take `#!lua` script flags (Redis 7.0+). Default: found out from the first
   * script they compile (a server before 7.0 refuses the shebang, and the store then runs its
   * scripts without it, with a first write Redis checks against `maxmemory`). Set it to skip the
   * detection; either way a script that may grow memory is refused once the server is out of it.
   */
  scriptFlags?: boolean;
}

/** Options of {@link RedisConnectionStore}: either a `client` you own or a `url` the store connects to. */
export type RedisConnectionStoreOptions = RedisStoreCommonOptions &
  (
    | {
        /** An ioredis `Redis` or `Cluster` client; you close it. */
        client: RedisClient;
        /** Not with `client`. */
        url?: never;
      }
    | {
        /** `redis://` or `rediss://` URL of a standalone server; the store creates (and `close()` closes) the client. */
        url: string;
        /** Not with `url`. */
        client?: never;
      }
  );

/** Default `keyPrefix`. */
export const DEFAULT_PREFIX = 'wsapp:';
/** Default `commandTimeoutMs`. */
export const DEFAULT_TIMEOUT_MS = 2000;
/** Default `expirySlackSeconds`. */
export const DEFAULT_SLACK_SECONDS = 30;

/**
 * `value` when it is an integer of at least `min` (1: "positive", 0: "non-negative");
 * `RangeError` naming the option otherwise.
 */
export function positiveInteger(name: string, value: number, min: 0 | 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `${name} must be a ${min === 1 ? 'positive' : 'non-negative'} integer, got ${String(value)}`,
    );
  }
  return value;
}

/** The client a store makes from `url`: bounded by the store's timeout, quiet about reconnections. */
export function createClient(url: string, timeoutMs: number): Redis {
  const client = new Redis(url, {
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    // Fail queued commands after one reconnection attempt instead of 20; the deadline bounds the rest.
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  // Errors reach callers through rejected commands (as StoreUnavailableError); without a
  // listener ioredis would print every reconnection failure.
  client.on('error', () => {});
  return client;
}

/**
 * The client a store uses: the one passed (left open by the store) or one created from `url`
 * (closed by `close()`), with the client's own key prefix, which must not contain hash tags.
 */
export function storeClient(
  options: RedisConnectionStoreOptions,
  timeoutMs: number,
): { client: RedisClient; owned: boolean; clientPrefix: string } {
  let client: RedisClient;
  let owned: boolean;
  if (options.client !== undefined) {
    client = options.client;
    owned = false;
  } else if (typeof options.url === 'string') {
    client = createClient(options.url, timeoutMs);
    owned = true;
  } else {
    throw new TypeError('RedisConnectionStore needs a `client` (ioredis Redis or Cluster) or a `url`');
  }
  const clientPrefix = client.options.keyPrefix ?? '';
  if (/[{}]/.test(clientPrefix)) {
    if (owned) client.disconnect();
    throw new RangeError('the ioredis client keyPrefix must not contain "{" or "}" (hash tags)');
  }
  return { client, owned, clientPrefix };
}
