/**
 * Real sockets spread over child processes: each shard is one emulator process and one client
 * process of at most `perShard` sockets. A socket holds a descriptor on both sides, so 20,000
 * sockets in the test process would need 40,000 descriptors; the hard open-files limit here is
 * 20,000 and cannot be raised (no CAP_SYS_RESOURCE), so each process keeps to its share instead.
 * The children run the TypeScript sources through tsx, as vitest runs the tests.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const tsconfig = fileURLToPath(new URL('../../../../../tsconfig.json', import.meta.url));
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

interface Message {
  type: string;
}

/** The child's next IPC message of `type`; rejects when it exits first or after `timeoutMs`. */
function next<T extends Message>(child: ChildProcess, type: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`timed out waiting for ${type}`)), timeoutMs);
    const onMessage = (message: Message & Record<string, unknown>) => {
      if (message.type === type) done(undefined, message as T);
    };
    const onExit = (code: number | null) => done(new Error(`child exited (${code}) before ${type}`));
    function done(error?: Error, value?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value as T);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

function child(file: string, args: string[] = []): ChildProcess {
  return fork(here(file), args, {
    execArgv: ['--import', tsx],
    env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** One emulator process and the client process connected to it. */
export interface Shard {
  /** The emulator's management endpoint (record it with each of its connections). */
  endpoint: string;
  /** The connection ids the emulator holds, one per client socket. */
  ids: string[];
}

/** Management calls one emulator answered. */
export interface ShardStats {
  /** `POST @connections` answered 200. */
  posted: number;
  /** `POST @connections` answered 410 (no such connection). */
  gone: number;
  /** Every management call. */
  total: number;
}

/** Sockets spread over shards; {@link Shards.stop} ends every child. */
export interface Shards {
  shards: Shard[];
  /** Sockets by number of frames received, summed over the client processes. */
  frames(): Promise<Record<string, number>>;
  /** Management calls answered, summed over the emulators. */
  stats(): Promise<ShardStats>;
  stop(): void;
}

/**
 * Opens `count` real sockets over shards of at most `perShard`, all shards in parallel, within
 * `openTimeoutMs` (a handshake costs about 0.5 ms of CPU on each side: 20,000 take 10–15 s on two
 * free cores, over a minute when the cores are shared with other work).
 */
export async function startShards(count: number, perShard = 10_000, openTimeoutMs = 85_000): Promise<Shards> {
  const children: ChildProcess[] = [];
  const pairs: Array<{ emulator: ChildProcess; clients: ChildProcess; shard: Shard }> = [];
  const stop = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  try {
    const sizes = Array.from({ length: Math.ceil(count / perShard) }, (_, s) =>
      Math.min(perShard, count - s * perShard),
    );
    await Promise.all(
      sizes.map(async (size) => {
        const emulator = child('emulator.ts');
        children.push(emulator);
        const ready = await next<{ type: 'ready'; url: string; endpoint: string }>(emulator, 'ready');
        const clients = child('clients.ts', [ready.url, String(size)]);
        children.push(clients);
        const open = await next<{ type: 'open'; opened: number; failed: number }>(
          clients,
          'open',
          openTimeoutMs,
        );
        if (open.failed > 0) throw new Error(`${open.failed} of ${size} sockets failed to open`);
        emulator.send({ type: 'ids' });
        const { ids } = await next<{ type: 'ids'; ids: string[] }>(emulator, 'ids');
        pairs.push({ emulator, clients, shard: { endpoint: ready.endpoint, ids } });
      }),
    );
  } catch (error) {
    stop();
    throw error;
  }
  return {
    shards: pairs.map((p) => p.shard),
    async frames() {
      const total: Record<string, number> = {};
      for (const { clients } of pairs) {
        clients.send({ type: 'frames' });
        const { histogram } = await next<{ type: 'frames'; histogram: Record<string, number> }>(
          clients,
          'frames',
        );
        for (const [k, v] of Object.entries(histogram)) total[k] = (total[k] ?? 0) + v;
      }
      return total;
    },
    async stats() {
      const total: ShardStats = { posted: 0, gone: 0, total: 0 };
      for (const { emulator } of pairs) {
        emulator.send({ type: 'stats' });
        const s = await next<{ type: 'stats' } & ShardStats>(emulator, 'stats');
        total.posted += s.posted;
        total.gone += s.gone;
        total.total += s.total;
      }
      return total;
    },
    stop,
  };
}
