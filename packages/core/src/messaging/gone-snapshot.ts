import type { ConnectionRecord } from '../store/connection-record.js';

/**
 * What runs before gone-cleanup removes the record of a connection it found old enough: with
 * sessions, the app's snapshot of the connection's channels into its session, which its own
 * `$disconnect` (later, or never) could no longer write once the record is gone.
 */
export type BeforeGoneRemoval = (record: ConnectionRecord) => Promise<void>;

/** Per messenger (the app's), kept out of the public options. */
const hooks = new WeakMap<object, BeforeGoneRemoval>();

/** Sets what runs before `messenger`'s gone-cleanup removes an old record. */
export function setBeforeGoneRemoval(messenger: object, hook: BeforeGoneRemoval): void {
  hooks.set(messenger, hook);
}

/** What runs before `messenger`'s gone-cleanup removes an old record, if anything. */
export function beforeGoneRemoval(messenger: object): BeforeGoneRemoval | undefined {
  return hooks.get(messenger);
}
