/**
 * Emulator stress, bounded: 1,000 concurrent clients on one emulator running a WebSocketApp with a
 * memory store, split four ways: graceful closes, TCP resets after the handshake, resets while
 * `$connect` runs, and half-closes (FIN) while `$connect` runs. At the end every accepted
 * `$connect` got exactly one `$disconnect` and the store holds nothing.
 */
import { WebSocketApp } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { describe, expect, it } from 'vitest';
import { connect, silentLogger, start } from '../helpers.js';
import { handshake, RawClient } from '../raw-client.js';

const PER_KIND = 250;

describe('emulator stress: 1,000 clients that close, reset and half-close', () => {
  it('every accepted $connect gets exactly one $disconnect; the store ends empty', {
    timeout: 120_000,
  }, async () => {
    const store = new MemoryConnectionStore();
    const connects = new Map<string, number>();
    const disconnects = new Map<string, number>();
    const bump = (m: Map<string, number>, id: string) => m.set(id, (m.get(id) ?? 0) + 1);
    const app = new WebSocketApp({ store, logger: silentLogger() });
    app.onConnect(async (ctx) => {
      // Long enough for mid-handshake resets and half-closes to land while $connect runs.
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
      await ctx.join('everyone');
      bump(connects, ctx.connectionId);
    });
    app.onDisconnect((ctx) => {
      bump(disconnects, ctx.connectionId);
    });
    const server = await start(app);
    const started = performance.now();
    const target = `/${server.stage}`;

    const graceful = async () => {
      const client = await connect(server.url);
      client.ws.close(1000);
      await client.closed;
    };
    const resetAfterOpen = async () => {
      const client = await RawClient.open(server.port, handshake(server.domainName, target));
      expect(await client.status(60_000)).toBe(101);
      client.reset();
    };
    const resetMidHandshake = async () => {
      const client = await RawClient.open(server.port, handshake(server.domainName, target));
      await new Promise((r) => setTimeout(r, Math.random() * 20));
      client.reset();
    };
    const halfClose = async () => {
      const client = await RawClient.open(server.port, handshake(server.domainName, target));
      await new Promise((r) => setTimeout(r, Math.random() * 20));
      client.halfClose();
      await client.closed;
    };
    const kinds = [graceful, resetAfterOpen, resetMidHandshake, halfClose];
    await Promise.all(Array.from({ length: PER_KIND * kinds.length }, (_, i) => kinds[i % kinds.length]!()));

    // Every connection ends: wait for the $disconnects, then check the counts match exactly.
    await expect
      .poll(() => [...connects.keys()].every((id) => disconnects.has(id)), { timeout: 60_000, interval: 50 })
      .toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    const elapsed = performance.now() - started;
    const totalConnects = [...connects.values()].reduce((a, b) => a + b, 0);
    const totalDisconnects = [...disconnects.values()].reduce((a, b) => a + b, 0);
    console.log(
      `[stress] 1,000 clients (${PER_KIND} each: graceful, reset after open, reset and half-close ` +
        `during $connect): ${totalConnects} $connect accepted, ${totalDisconnects} $disconnect, ` +
        `${server.connections.size} open, ${store.inspect().connections.length} stored, ${Math.round(elapsed)} ms`,
    );
    expect(totalConnects).toBeGreaterThanOrEqual(PER_KIND * 2);
    expect(totalDisconnects).toBe(totalConnects);
    expect([...disconnects.keys()].every((id) => connects.get(id) === 1 && disconnects.get(id) === 1)).toBe(
      true,
    );
    expect(server.connections.size).toBe(0);
    expect(store.inspect().connections).toEqual([]);
    expect((await store.members('everyone')).connectionIds).toEqual([]);
  });
});
