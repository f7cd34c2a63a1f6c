import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { SCRIPTS, type ScriptName } from './scripts.js';

/** Runs the store's Lua scripts: EVALSHA, falling back to EVAL once when the server lacks the script. */
export class ScriptRunner {
  readonly #client: Redis | Cluster;
  readonly #sha: Record<ScriptName, string>;

  constructor(client: Redis | Cluster) {
    this.#client = client;
    this.#sha = Object.fromEntries(
      Object.entries(SCRIPTS).map(([name, lua]) => [name, createHash('sha1').update(lua).digest('hex')]),
    ) as Record<ScriptName, string>;
  }

  /**
   * Loads every script on every server (each master of a Cluster) with SCRIPT LOAD, so that no
   * later call pays the NOSCRIPT + EVAL fallback.
   */
  async loadAll(): Promise<void> {
    const client = this.#client;
    // A Cluster client knows its masters once it is ready; a PING waits for that.
    if (client.isCluster) await client.ping();
    const servers: Redis[] = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
    await Promise.all(
      servers.flatMap((server) => Object.values(SCRIPTS).map((lua) => server.script('LOAD', lua))),
    );
  }

  /** Runs `name` with `keys` and `args`; one command (two the first time a server sees the script). */
  async run(
    name: ScriptName,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<unknown> {
    try {
      return await this.#client.evalsha(this.#sha[name], keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.#client.eval(SCRIPTS[name], keys.length, ...keys, ...args);
    }
  }
}
