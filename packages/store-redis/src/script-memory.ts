/**
 * What each Lua script does to Redis's memory, which decides whether it may run once the server is
 * out of memory (`maxmemory` reached under `noeviction`):
 * - `grows`: may add data (register, join, update, history append): refused whole under OOM, before
 *   it writes anything — the same rule as a plain `SET`.
 * - `shrinks`: only deletes, or rewrites what exists at its size (unregister, leave, touch, the
 *   purge of expired members): runs under OOM, like Redis's own `DEL` and `EXPIRE`, so an app can
 *   still shed connections and keep live ones from expiring.
 * - `reads`: writes nothing.
 *
 * A script not listed counts as `grows` (the safe default for a script added later).
 */
export type ScriptMemory = 'grows' | 'shrinks' | 'reads';

/** The store's scripts (`scripts.ts`), the history's (`history-scripts.ts`), the sessions' (`session-scripts.ts`) and the stale removals'. */
export const SCRIPT_MEMORY: Readonly<Record<string, ScriptMemory>> = {
  connPut: 'grows',
  putAll: 'grows',
  connJoin: 'grows',
  joinAll: 'grows',
  setAll: 'grows',
  connUpdate: 'grows',
  chanAdd: 'grows',
  historyAppend: 'grows',
  sessionClaim: 'grows',
  sessionMark: 'grows',
  sessionClose: 'grows',
  connGet: 'reads',
  connVerify: 'reads',
  sliceMembers: 'reads',
  sliceBounds: 'reads',
  connDelete: 'shrinks',
  deleteAll: 'shrinks',
  unlock: 'shrinks',
  connLeave: 'shrinks',
  leaveAll: 'shrinks',
  connTouch: 'shrinks',
  touchAll: 'shrinks',
  chanRemove: 'shrinks',
  chanTouch: 'shrinks',
  members: 'shrinks',
  historyRead: 'shrinks',
  // Replaces an entry by a marker (≈ 170 bytes; up to ≈ 1 KB for a channel's first): a failed
  // broadcast's take-back of an accepted append must run under OOM, or the message stays logged.
  historyRetract: 'shrinks',
  deleteStaleAll: 'shrinks',
  connDeleteStale: 'shrinks',
  // A claim or close that only rewrites what the session holds (sessions.ts: after an OOM refusal).
  sessionClaimInPlace: 'shrinks',
  sessionCloseInPlace: 'shrinks',
  // Reads, but deletes an expired session's keys on the way.
  sessionRead: 'shrinks',
};

/**
 * The script as Redis 7 and later run it: a `#!lua` shebang whose flags declare what it does to
 * memory. A flagged script without `allow-oom` is refused whole when the server is out of memory
 * as the command starts (`-OOM … allow-oom flag is not set`), EVAL and EVALSHA alike; `no-writes`
 * scripts also run on read-only replicas.
 */
export function flaggedScript(body: string, memory: ScriptMemory): string {
  const flags = memory === 'grows' ? '' : memory === 'shrinks' ? ' flags=allow-oom' : ' flags=no-writes';
  return `#!lua${flags}\n${body}`;
}

/**
 * The script for servers that refuse shebangs (before Redis 7.0). Without flags, Redis checks OOM
 * only for a script's writes until its first write command (`lua_write_dirty` in 6.x,
 * `SCRIPT_WRITE_DIRTY` in 7.x: "we can't stop in the middle"): a script whose first write is a
 * `DEL` or `SREM` — as most of ours — then grows memory unchecked. So a `grows` script starts with
 * a write that Redis checks (`SETRANGE`, flagged deny-oom) on a key of its own slot that never
 * exists, with an empty value: it stores nothing, and fails the script before anything is written
 * when the server was out of memory as it started. A `shrinks` script starts with a write Redis does
 * not check (`EXPIRE` of that missing key, which changes nothing), so that, like `allow-oom`, none of
 * its later commands is checked either (`touch` rewrites its expiry with `HSET`).
 */
export function compatScript(body: string, memory: ScriptMemory): string {
  if (memory === 'reads') return body;
  const first =
    memory === 'grows'
      ? `redis.call('SETRANGE', KEYS[1] .. ':oom-guard', 0, '')`
      : `redis.call('EXPIRE', KEYS[1] .. ':oom-guard', 1)`;
  return `${first}\n${body}`;
}
