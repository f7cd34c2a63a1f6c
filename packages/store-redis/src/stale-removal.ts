import type { UnregisterStaleResult } from '@wsapp/core';
import type { KeyLayout } from './key-layout.js';
import { decodeRecord } from './record-codec.js';
import type { ScriptRunner } from './script-runner.js';
import type { STALE_SCRIPTS } from './stale-scripts.js';

/** What {@link deleteStale} needs from the store. */
export interface StaleRemovalContext {
  scripts: ScriptRunner<keyof typeof STALE_SCRIPTS>;
  keys: KeyLayout;
  /** The prefix the scripts derive channel keys with (client prefix + store prefix). */
  luaPrefix: string;
  slack: number;
  cluster: boolean;
  /** Cluster: removes one index entry (the store's `chanRemove`). */
  removeMembership(channel: string, connectionId: string): Promise<unknown>;
}

/**
 * `_deleteStale` on Redis: one script decides and removes (standalone: record and memberships;
 * Cluster: the connection's slot, then the index entries of the channels it listed, as
 * `unregister` does on a Cluster — the removal of the record is the atomic part).
 */
export async function deleteStale(
  ctx: StaleRemovalContext,
  connectionId: string,
  connectedBefore: number,
  nowMs: number,
): Promise<UnregisterStaleResult> {
  const conn = ctx.keys.connection(connectionId);
  const reply = ctx.cluster
    ? await ctx.scripts.run('connDeleteStale', [conn.record, conn.channels], [connectedBefore, nowMs])
    : await ctx.scripts.run(
        'deleteStaleAll',
        [conn.record, conn.channels],
        [ctx.luaPrefix, connectionId, connectedBefore, nowMs, ctx.slack],
      );
  const [kind, first, second] = reply as [number, unknown, unknown];
  if (kind === 1) return { outcome: 'kept', ageMs: Number(first) };
  const record = decodeRecord([first, second]);
  if (ctx.cluster && record !== undefined) {
    // Also for an expired record: its index entries go with it, as unregister removes them.
    await Promise.all(record.channels.map((ch) => ctx.removeMembership(ch, connectionId)));
  }
  return kind === 2 && record !== undefined ? { outcome: 'removed', record } : { outcome: 'absent' };
}
