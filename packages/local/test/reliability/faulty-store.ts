/**
 * Fault injection on a real store: every call goes to a real `MemoryConnectionStore`, unless a
 * fault set for that method delays it, freezes it (never answers, like a SIGSTOPped backend) or
 * fails it from the n-th call on.
 */
import type {
  ConnectionRecord,
  ConnectionStore,
  MembersOptions,
  MembersPage,
  RegisterInit,
  UnregisterStaleResult,
} from '@wsapp/core';
import { StoreUnavailableError } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';

type Method = 'members' | 'unregister' | 'get' | 'getMany';
type Fault =
  | { kind: 'delay'; ms: number }
  | { kind: 'freeze' }
  | { kind: 'fail'; fromCall: number; error: Error };

export class FaultyStore implements ConnectionStore {
  readonly inner: MemoryConnectionStore;
  /** Calls made per method (including faulted ones). */
  readonly calls: Record<Method, number> = { members: 0, unregister: 0, get: 0, getMany: 0 };
  readonly #faults = new Map<Method, Fault>();

  constructor(inner = new MemoryConnectionStore()) {
    this.inner = inner;
  }

  delay(method: Method, ms: number): void {
    this.#faults.set(method, { kind: 'delay', ms });
  }
  freeze(method: Method): void {
    this.#faults.set(method, { kind: 'freeze' });
  }
  /** Fails the `fromCall`-th call (1-based, counted from now) and every later one. */
  failFrom(
    method: Method,
    fromCall: number,
    error: Error = new StoreUnavailableError('injected store failure'),
  ): void {
    this.#faults.set(method, { kind: 'fail', fromCall: this.calls[method] + fromCall, error });
  }
  clear(): void {
    this.#faults.clear();
  }

  async #through<T>(method: Method, call: () => Promise<T>): Promise<T> {
    const n = ++this.calls[method];
    const fault = this.#faults.get(method);
    if (fault?.kind === 'freeze') return new Promise<T>(() => {});
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'fail' && n >= fault.fromCall) throw fault.error;
    return call();
  }

  register(id: string, init?: RegisterInit): Promise<ConnectionRecord> {
    return this.inner.register(id, init);
  }
  unregister(id: string): Promise<ConnectionRecord | undefined> {
    return this.#through('unregister', () => this.inner.unregister(id));
  }
  /** Gone-cleanup's removal: faulted (and counted) as `unregister`. */
  unregisterStale(id: string, minAgeMs: number): Promise<UnregisterStaleResult> {
    return this.#through('unregister', () => this.inner.unregisterStale(id, minAgeMs));
  }
  get(id: string): Promise<ConnectionRecord | undefined> {
    return this.#through('get', () => this.inner.get(id));
  }
  getMany(ids: readonly string[]): Promise<Array<ConnectionRecord | undefined>> {
    return this.#through('getMany', () => this.inner.getMany(ids));
  }
  join(id: string, channels: readonly string[]): Promise<void> {
    return this.inner.join(id, channels);
  }
  leave(id: string, channels: readonly string[]): Promise<void> {
    return this.inner.leave(id, channels);
  }
  setChannels(id: string, channels: readonly string[]): Promise<void> {
    return this.inner.setChannels(id, channels);
  }
  update(id: string, patch: Record<string, unknown>): Promise<ConnectionRecord> {
    return this.inner.update(id, patch);
  }
  touch(id: string, ttlSeconds?: number): Promise<void> {
    return this.inner.touch(id, ttlSeconds);
  }
  members(channel: string, options?: MembersOptions): Promise<MembersPage> {
    return this.#through('members', () => this.inner.members(channel, options));
  }
  allMembers(channel: string, options?: { pageSize?: number }): AsyncIterable<string> {
    return this.inner.allMembers(channel, options);
  }
}
