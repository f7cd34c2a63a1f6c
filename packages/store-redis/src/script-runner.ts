import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { SCRIPTS, type ScriptName } from './scripts.js';

/**
 * Runs Lua scripts (the store's by default; the history log passes its own): EVALSHA, falling
 * back to EVAL once when the server lacks the script.
 */
export class ScriptRunner<N extends string = ScriptName> {
  readonly #client: Redis | Cluster;
  readonly #scripts: Readonly<Record<N, string>>;
  readonly #sha: Record<N, string>;

  constructor(client: Redis | Cluster, scripts: Readonly<Record<N, string>> = SCRIPTS as Record<N, string>) {
    this.#client = client;
    this.#scripts = scripts;
    this.#sha = Object.fromEntries(
      Object.entries<string>(scripts).map(([name, lua]) => [
        name,
        createHash('sha1').update(lua).digest('hex'),
      ]),
    ) as Record<N, string>;
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
      servers.flatMap((server) =>
        Object.values<string>(this.#scripts).map((lua) => server.script('LOAD', lua)),
      ),
    );
  }

  /** Runs `name` with `keys` and `args`; one command (two the first time a server sees the script). */
  async run(name: N, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await this.#client.evalsha(this.#sha[name], keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.#client.eval(this.#scripts[name], keys.length, ...keys, ...args);
    }
  }
}
