import { NoStoreError } from '../errors/app-errors.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { setOwn } from '../store/plain-data.js';
import { assertChannel, DEFAULT_LIMITS } from '../store/store-validation.js';

/** Channels as `join`/`leave` accept them: names, or arrays of names. */
export type ChannelArgs = Array<string | readonly string[]>;

/** What `$connect` handlers ask for, written with the connection record in one store write. */
export class PendingConnection {
  readonly channels = new Set<string>();
  readonly data: Record<string, unknown> = {};

  join(channels: string[]): void {
    for (const channel of channels) {
      assertChannel(channel, DEFAULT_LIMITS);
      this.channels.add(channel);
    }
  }

  leave(channels: string[]): void {
    for (const channel of channels) this.channels.delete(channel);
  }

  setData(patch: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete this.data[key];
      else setOwn(this.data, key, value);
    }
  }
}

export function flattenChannels(args: ChannelArgs): string[] {
  return args.flat() as string[];
}

export function requireStore(store: ConnectionStore | undefined, operation: string): ConnectionStore {
  if (store === undefined) {
    throw new NoStoreError(`ctx.${operation}()`);
  }
  return store;
}
