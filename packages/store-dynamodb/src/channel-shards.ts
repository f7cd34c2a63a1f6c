/**
 * How many partition keys a channel's memberships are spread over: one number for every channel,
 * or a default with overrides by channel-name prefix (the longest matching prefix wins).
 *
 * @example `{ default: 1, byPrefix: { 'ticker#': 8 } }`
 */
export type ChannelShards = number | { default?: number; byPrefix?: Readonly<Record<string, number>> };

/** Largest shard count accepted (each shard is one Query per `members()` pass). */
export const MAX_SHARDS = 1000;

/** Resolves {@link ChannelShards} to a function from channel name to shard count. */
export function shardResolver(config: ChannelShards | undefined): (channel: string) => number {
  if (config === undefined) return () => 1;
  if (typeof config === 'number') {
    assertShards(config, 'channelShards');
    return () => config;
  }
  const fallback = config.default ?? 1;
  assertShards(fallback, 'channelShards.default');
  const prefixes = Object.entries(config.byPrefix ?? {}).sort((a, b) => b[0].length - a[0].length);
  for (const [prefix, n] of prefixes) assertShards(n, `channelShards.byPrefix[${JSON.stringify(prefix)}]`);
  return (channel) => prefixes.find(([prefix]) => channel.startsWith(prefix))?.[1] ?? fallback;
}

function assertShards(value: unknown, name: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_SHARDS) {
    throw new RangeError(`${name} must be an integer from 1 to ${MAX_SHARDS}, got ${String(value)}`);
  }
}
