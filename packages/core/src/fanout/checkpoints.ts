import type { ConnectionStore } from '../store/connection-store.js';

/** Marks a slice delivered to its end. */
export const SLICE_DONE = 'done';

/**
 * Where a fan-out worker records how far each slice got, so that a redelivered SQS record resumes
 * instead of resending. A value is a slice cursor (resume there) or {@link SLICE_DONE}.
 */
export interface FanOutCheckpoints {
  /** The slice's last checkpoint, `undefined` when it has none. */
  load(key: string): Promise<string | undefined>;
  /** Records the slice's progress (called after every delivered page). */
  save(key: string, value: string): Promise<void>;
}

/**
 * Checkpoints in the connection store the workers already use, through its public API: each is a
 * record without channels (so no broadcast ever reaches it) whose data holds the cursor, expiring
 * after `ttlSeconds` (default 1 day). One write per delivered page; nothing new to provision.
 */
export function storeCheckpoints(store: ConnectionStore, ttlSeconds = 24 * 60 * 60): FanOutCheckpoints {
  const id = (key: string) => `wsapp-fanout~${key}`;
  return {
    async load(key) {
      const value = (await store.get(id(key)))?.data.checkpoint;
      return typeof value === 'string' ? value : undefined;
    },
    async save(key, value) {
      await store.register(id(key), { data: { checkpoint: value }, ttlSeconds });
    },
  };
}
