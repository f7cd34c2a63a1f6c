import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { WebSocketApp } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { type Client, connect, EventLog, managementClient, silentLogger, start } from './helpers.js';

const CLIENTS = 2000;

describe('at scale', () => {
  it(`accepts ${CLIENTS} clients, delivers a broadcast to each and reports every $disconnect`, async () => {
    const log = new EventLog();
    const app = new WebSocketApp({ logger: silentLogger() })
      .onConnect(() => undefined)
      .onDisconnect((ctx) => log.record(ctx.event))
      .route('ping', { twoWay: true }, () => 'pong');
    const server = await start(app);
    const started = Date.now();
    const clients: Client[] = [];
    for (let i = 0; i < CLIENTS; i += 200) {
      clients.push(...(await Promise.all(Array.from({ length: 200 }, () => connect(server.url)))));
    }
    const connectMs = Date.now() - started;
    expect(server.connections.size).toBe(CLIENTS);

    // Every client talks, answers come back on the right socket.
    for (const client of clients) client.send({ action: 'ping' });
    const answers = await Promise.all(clients.map((client) => client.text()));
    expect(answers.every((a) => a === 'pong')).toBe(true);

    // A broadcast through the real SDK with bounded concurrency.
    const api = managementClient(server.endpoint);
    const ids = server.connections.ids();
    const broadcastStart = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < ids.length) {
          const id = ids[next++]!;
          await api.send(new PostToConnectionCommand({ ConnectionId: id, Data: `{"to":"${id}"}` }));
        }
      }),
    );
    const broadcastMs = Date.now() - broadcastStart;
    const received = await Promise.all(clients.map((client) => client.json()));
    expect(new Set(received.map((r) => (r as { to: string }).to)).size).toBe(CLIENTS);
    expect(server.stats.count({ method: 'POST', status: 200 })).toBe(CLIENTS);

    await server.close();
    expect(log.events).toHaveLength(CLIENTS);
    console.log(`${CLIENTS} clients: connect ${connectMs} ms, broadcast ${broadcastMs} ms`);
  });
});
