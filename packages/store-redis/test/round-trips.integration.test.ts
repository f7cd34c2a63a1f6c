import { RedisConnectionStore } from '@wsapp/store-redis';
import { type Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClient, standaloneClient, uniquePrefix } from './clients.js';

/** What one store operation sent, measured on the server (MONITOR) and in the client. */
interface Measured {
  /** Commands the client sent (Lua's inner calls excluded), as seen by every server's MONITOR. */
  commands: string[][];
  /** Sequential round trips: commands started while none was in flight. */
  waves: number;
}

/** The hash tag of a key (all keys this store writes have one). */
const tagOf = (key: string) => key.slice(key.indexOf('{') + 1, key.indexOf('}'));

/**
 * Measures store operations against the servers behind `client`: one MONITOR connection per
 * master, and a wrapper around the client's `evalsha` that counts waves of concurrent commands.
 */
async function meter(client: Redis | Cluster, prefix: string) {
  const nodes = client.isCluster
    ? (client as Cluster).nodes('master').map((n) => ({ host: n.options.host, port: n.options.port }))
    : [{ host: (client as Redis).options.host, port: (client as Redis).options.port }];
  const monitors = await Promise.all(nodes.map((n) => new Redis(n).monitor()));
  const probes = nodes.map((n) => new Redis(n));
  let seen: string[][] = [];
  const markers = new Map<string, () => void>();
  for (const monitor of monitors) {
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (args[0]?.toLowerCase() === 'echo' && markers.has(String(args[1]))) {
        markers.get(String(args[1]))?.();
        return;
      }
      if (source === 'lua' || !args.some((a) => String(a).includes(prefix))) return;
      seen.push(args.map(String));
    });
  }
  let inFlight = 0;
  let waves = 0;
  const original = client.evalsha.bind(client) as (...args: unknown[]) => Promise<unknown>;
  (client as unknown as { evalsha: (...args: unknown[]) => Promise<unknown> }).evalsha = async (...args) => {
    if (inFlight === 0) waves++;
    inFlight++;
    try {
      return await original(...args);
    } finally {
      inFlight--;
    }
  };
  let n = 0;
  const flush = () =>
    Promise.all(
      probes.map((probe, i) => {
        const marker = `marker-${prefix}-${i}-${n++}`;
        return new Promise<void>((resolve) => {
          markers.set(marker, resolve);
          void probe.echo(marker);
        });
      }),
    );
  return {
    async measure(work: () => Promise<unknown>): Promise<Measured> {
      await flush();
      seen = [];
      waves = 0;
      await work();
      await flush();
      return { commands: seen, waves };
    },
    async close() {
      (client as unknown as { evalsha: unknown }).evalsha = original;
      for (const monitor of monitors) monitor.disconnect();
      await Promise.all(probes.map((c) => c.quit()));
    },
  };
}

/** Keys of an EVALSHA as MONITOR shows it: `evalsha sha numkeys key… arg…`. */
const keysOf = (command: string[]) => command.slice(3, 3 + Number(command[2]));

describe.each([
  ['standalone', standaloneClient],
  ['cluster', clusterClient],
] as const)('round trips (%s)', (mode, connect) => {
  let client: Redis | Cluster;
  let store: RedisConnectionStore;
  let prefix: string;
  let m: Awaited<ReturnType<typeof meter>>;
  const report: string[] = [];

  beforeAll(async () => {
    client = await connect();
    prefix = uniquePrefix();
    store = new RedisConnectionStore({ client, keyPrefix: prefix });
    await store.loadScripts();
    m = await meter(client, prefix);
  });
  afterAll(async () => {
    console.log(`round trips (${mode}):\n${report.join('\n')}`);
    await m?.close();
    await client?.quit();
  });

  const check = async (label: string, work: () => Promise<unknown>, slotsTouched: number) => {
    const measured = await m.measure(work);
    let { commands, waves } = measured;
    report.push(`  ${label}: ${waves} sequential round trip(s), ${commands.length} command(s)`);
    if (mode === 'cluster' && /^(join|leave)/.test(label)) {
      // Cluster join/leave hold the connection's lock: one SET NX before, one unlock script after.
      const isLock = (c: string[]) =>
        c[0]?.toLowerCase() === 'set' ? c[1]?.endsWith(':k') : keysOf(c).some((k) => k.endsWith(':k'));
      const lock = commands.filter(isLock);
      expect(
        lock.map((c) => c[0]?.toLowerCase()),
        label,
      ).toEqual(['set', 'evalsha']);
      commands = commands.filter((c) => !isLock(c));
      waves -= 1; // the unlock script (the SET is not an EVALSHA, so it opens no counted round trip)
    }
    for (const command of commands) expect(command[0]?.toLowerCase()).toBe('evalsha');
    if (mode === 'standalone') {
      expect(commands.length, label).toBe(1);
      expect(waves, label).toBe(1);
    } else {
      // One command per hash tag (so per slot, except where two tags happen to share a slot).
      const tags = commands.map((c) => new Set(keysOf(c).map(tagOf)));
      for (const t of tags) expect(t.size, label).toBe(1);
      const perTag = new Map<string, number>();
      for (const t of tags) for (const tag of t) perTag.set(tag, (perTag.get(tag) ?? 0) + 1);
      for (const [tag, count] of perTag) expect(count, `${label}: ${tag}`).toBe(1);
      expect(perTag.size, label).toBe(slotsTouched);
    }
    return { commands, waves };
  };

  it('register with 3 channels', async () => {
    const { waves } = await check(
      'register(id, 3 channels)',
      () => store.register('a=', { channels: ['r1', 'r2', 'r3'] }),
      4,
    );
    expect(waves).toBe(1);
  });

  it('join one channel and three channels', async () => {
    await store.register('b=');
    const one = await check('join(id, 1 channel)', () => store.join('b=', ['j1']), 2);
    await check('join(id, 3 channels)', () => store.join('b=', ['j2', 'j3', 'j4']), 4);
    if (mode === 'cluster') expect(one.waves).toBe(2);
  });

  it('leave one channel and three channels', async () => {
    await store.register('c=', { channels: ['l1', 'l2', 'l3', 'l4'] });
    await check('leave(id, 1 channel)', () => store.leave('c=', ['l1']), 2);
    await check('leave(id, 3 channels)', () => store.leave('c=', ['l2', 'l3', 'l4']), 4);
  });

  it('get, update, touch, members, unregister', async () => {
    await store.register('d=', { channels: ['u1', 'u2'] });
    await check('get(id)', () => store.get('d='), 1);
    await check('update(id, patch)', () => store.update('d=', { x: 1 }), 1);
    await check('touch(id) with 2 channels', () => store.touch('d='), 3);
    // members(): the channel's script, plus on Cluster one verification per member returned.
    await check('members(channel) with 1 member', () => store.members('u1'), mode === 'cluster' ? 2 : 1);
    await check('unregister(id) with 2 channels', () => store.unregister('d='), 3);
  });
});
