import type { KeyLayout } from './key-layout.js';
import type { ScriptRunner } from './script-runner.js';

/**
 * The ids of a Cluster member page whose connection is live and lists the channel. Cluster writes
 * span slots, so a channel index may briefly (or, after a crash, until expiry) hold a member its
 * connection no longer lists: `members()` never returns one. One script per member, in parallel.
 */
export async function liveMembers(
  scripts: ScriptRunner,
  keys: KeyLayout,
  connectionIds: string[],
  channel: string,
  now: number,
): Promise<string[]> {
  if (connectionIds.length === 0) return connectionIds;
  const checks = await Promise.all(
    connectionIds.map((id) => {
      const conn = keys.connection(id);
      return scripts.run('connVerify', [conn.record, conn.channels], [now, channel]);
    }),
  );
  return connectionIds.filter((_, i) => checks[i] === 1);
}
