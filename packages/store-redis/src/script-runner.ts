import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { isShebangRefused, ScriptDialect } from './script-dialect.js';
import { compatScript, flaggedScript, SCRIPT_MEMORY, type ScriptMemory } from './script-memory.js';
import { SCRIPTS, type ScriptName } from './scripts.js';

/** One way of writing every script: its source and SHA-1 by name. */
interface Variant<N extends string> {
  lua: Record<N, string>;
  sha: Record<N, string>;
}

function variant<N extends string>(
  scripts: Readonly<Record<N, string>>,
  write: (body: string, memory: ScriptMemory) => string,
): Variant<N> {
  const lua = {} as Record<N, string>;
  const sha = {} as Record<N, string>;
  for (const name of Object.keys(scripts) as N[]) {
    lua[name] = write(scripts[name], SCRIPT_MEMORY[name] ?? 'grows');
    sha[name] = createHash('sha1').update(lua[name]).digest('hex');
  }
  return { lua, sha };
}

/**
 * Runs Lua scripts (the store's by default; the history log passes its own): EVALSHA, falling
 * back to EVAL once when the server lacks the script. Each script declares what it does to
 * memory (`script-memory.ts`), so that once the server is out of memory every script that may
 * grow it is refused before it writes anything: with `#!lua` flags where the server takes them
 * (Redis 7+), else with a first write Redis checks (see {@link compatScript}).
 */
export class ScriptRunner<N extends string = ScriptName> {
  readonly #client: Redis | Cluster;
  readonly #dialect: ScriptDialect;
  readonly #flagged: Variant<N>;
  readonly #compat: Variant<N>;

  constructor(
    client: Redis | Cluster,
    scripts: Readonly<Record<N, string>> = SCRIPTS as Record<N, string>,
    dialect: ScriptDialect = new ScriptDialect(),
  ) {
    this.#client = client;
    this.#dialect = dialect;
    this.#flagged = variant(scripts, flaggedScript);
    this.#compat = variant(scripts, compatScript);
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
    const load = (v: Variant<N>) =>
      Promise.all(
        servers.flatMap((server) => Object.values<string>(v.lua).map((lua) => server.script('LOAD', lua))),
      );
    if (this.#dialect.flagged === false) {
      await load(this.#compat);
      return;
    }
    try {
      await load(this.#flagged);
      this.#dialect.flagged = true;
    } catch (error) {
      if (!isShebangRefused(error)) throw error;
      this.#dialect.flagged = false;
      await load(this.#compat);
    }
  }

  /** Runs `name` with `keys` and `args`; one command (two the first time a server sees the script). */
  async run(name: N, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    if (this.#dialect.flagged === false) return this.#send(this.#compat, name, keys, args);
    try {
      const reply = await this.#send(this.#flagged, name, keys, args);
      this.#dialect.flagged = true;
      return reply;
    } catch (error) {
      if (this.#dialect.flagged === true || !isShebangRefused(error)) throw error;
      // The server compiles no shebang (before Redis 7): from now on, scripts without flags.
      this.#dialect.flagged = false;
      return this.#send(this.#compat, name, keys, args);
    }
  }

  async #send(
    v: Variant<N>,
    name: N,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<unknown> {
    try {
      return await this.#client.evalsha(v.sha[name], keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.#client.eval(v.lua[name], keys.length, ...keys, ...args);
    }
  }
}
