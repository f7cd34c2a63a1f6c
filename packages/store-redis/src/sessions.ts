import { type SessionClaim, type SessionRecord, TooManyChannelsError } from '@wsapp/core';
import type { Cluster, Redis } from 'ioredis';
import { escapeName } from './key-layout.js';
import type { ScriptDialect } from './script-dialect.js';
import { ScriptRunner } from './script-runner.js';
import { SESSION_SCRIPTS } from './session-scripts.js';

/** The two keys of one session (one Cluster slot: they share the hash tag). */
export interface SessionKeys {
  /** Hash: `h` holder, `z` 1 when closed, `e` expiresAt (epoch s). */
  head: string;
  /** Hash: channel → start (the history seq when the session joined it, -1 unknown). */
  channels: string;
}

/** The session key names of `sessionId` under `prefix` (`<prefix>{s:<escaped id>}:h` and `:m`). */
export function sessionKeys(prefix: string, sessionId: string): SessionKeys {
  const base = `${prefix}{s:${escapeName(sessionId)}}`;
  return { head: `${base}:h`, channels: `${base}:m` };
}

/** Whether Redis refused a command for `maxmemory` (`-OOM command not allowed …`, also inside a script). */
function isOutOfMemory(error: unknown): boolean {
  return error instanceof Error && /\bOOM\b/.test(error.message);
}

/** A flat `[channel, start, …]` reply as a map (channel names are data: `__proto__` included). */
function channelMap(flat: unknown): Record<string, number> {
  const list = Array.isArray(flat) ? (flat as unknown[]) : [];
  const pairs: Array<[string, number]> = [];
  for (let i = 0; i + 1 < list.length; i += 2) pairs.push([String(list[i]), Number(list[i + 1])]);
  return Object.fromEntries(pairs);
}

/**
 * Sessions in Redis: per session a head hash and a channel hash in one slot, each call one atomic
 * script (one round trip, also on a Cluster).
 */
export class RedisSessions {
  readonly #scripts: ScriptRunner<keyof typeof SESSION_SCRIPTS>;
  readonly #prefix: string;
  readonly #slack: number;

  /** `prefix` is the store's key prefix; `slackSeconds` is added to every `EXPIREAT`. */
  constructor(client: Redis | Cluster, prefix: string, slackSeconds: number, dialect?: ScriptDialect) {
    this.#scripts = new ScriptRunner(client, SESSION_SCRIPTS, dialect);
    this.#prefix = prefix;
    this.#slack = slackSeconds;
  }

  /** Loads the session scripts on every server. */
  loadScripts(): Promise<void> {
    return this.#scripts.loadAll();
  }

  /** The keys of a session. */
  keys(sessionId: string): SessionKeys {
    return sessionKeys(this.#prefix, sessionId);
  }

  /**
   * See `BaseConnectionStore._claimSession`. Refused for OOM, it is made again in place
   * (`#inPlace`): the give-back of a claim whose connection's register was refused
   * for OOM must not be refused too, or the token would be used up by a connection never recorded.
   */
  async claim(
    sessionId: string,
    from: string,
    to: string,
    expiresAt: number,
    now: number,
  ): Promise<SessionClaim | undefined> {
    const args = [now, from, to, expiresAt, this.#slack];
    const reply = await this.#inPlace('sessionClaim', 'sessionClaimInPlace', sessionId, args);
    if (!Array.isArray(reply)) return undefined;
    const [closed, created, channels] = reply as [number, number, unknown];
    return { channels: channelMap(channels), closed: Number(closed) === 1, created: Number(created) === 1 };
  }

  /** See `BaseConnectionStore._markSession`. */
  async mark(
    sessionId: string,
    holder: string,
    add: Array<[string, number]>,
    remove: string[],
    expiresAt: number,
    now: number,
    max: number,
  ): Promise<boolean> {
    const reply = await this.#run('sessionMark', sessionId, [
      now,
      holder,
      expiresAt,
      this.#slack,
      max,
      remove.length,
      ...remove,
      add.length,
      ...add.flat(),
    ]);
    if (Number(reply) === -1) throw new TooManyChannelsError(sessionId, max);
    return Number(reply) === 1;
  }

  /** See `BaseConnectionStore._closeSession`. Refused for OOM, it is made again in place, as `claim`. */
  async close(
    sessionId: string,
    holder: string,
    channels: string[],
    expiresAt: number,
    now: number,
  ): Promise<boolean> {
    const args = [now, holder, expiresAt, this.#slack, channels.length, ...channels];
    const reply = await this.#inPlace('sessionClose', 'sessionCloseInPlace', sessionId, args);
    return Number(reply) === 1;
  }

  /** See `BaseConnectionStore._readSession`. */
  async read(sessionId: string, now: number): Promise<SessionRecord | undefined> {
    const reply = await this.#run('sessionRead', sessionId, [now]);
    if (!Array.isArray(reply)) return undefined;
    const [holder, closed, expiresAt, channels] = reply as [string, number, number, unknown];
    return {
      sessionId,
      holder: String(holder),
      channels: channelMap(channels),
      closed: Number(closed) === 1,
      expiresAt: Number(expiresAt),
    };
  }

  /**
   * Runs `script`; when Redis refuses it for out of memory (it may grow memory: nothing was
   * written), runs `inPlace` instead, the same write limited to rewriting what the session holds,
   * which runs under OOM like `touch`. Its -1 (the write would add data) answers the refusal.
   */
  async #inPlace(
    script: 'sessionClaim' | 'sessionClose',
    inPlace: 'sessionClaimInPlace' | 'sessionCloseInPlace',
    sessionId: string,
    args: Array<string | number>,
  ): Promise<unknown> {
    try {
      return await this.#run(script, sessionId, args);
    } catch (error) {
      if (!isOutOfMemory(error)) throw error;
      const reply = await this.#run(inPlace, sessionId, args);
      if (Number(reply) === -1) throw error;
      return reply;
    }
  }

  #run(name: keyof typeof SESSION_SCRIPTS, sessionId: string, args: Array<string | number>) {
    const { head, channels } = this.keys(sessionId);
    return this.#scripts.run(name, [head, channels], args);
  }
}
