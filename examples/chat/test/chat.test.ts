import { type LocalServer, serve } from '@wsapp/local';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChatApp } from '../src/app.js';
import { nameAuthorizer } from '../src/authorizer.js';
import { ChatClient } from './chat-client.js';

let server: LocalServer | undefined;
let store: MemoryConnectionStore;
afterEach(async () => {
  await server?.close();
});

async function startChat() {
  store = new MemoryConnectionStore();
  const logger = { error: vi.fn(), warn: vi.fn() };
  server = await serve(createChatApp({ store, logger }), { authorizer: nameAuthorizer, logger });
  return server;
}

describe('chat example, end to end over real sockets', () => {
  it('two clients join a room and talk; the sender is not echoed', async () => {
    const { url } = await startChat();
    const ada = await ChatClient.open(`${url}?name=ada`, ['chat.v1']);
    const bob = await ChatClient.open(`${url}?name=bob`);
    expect(ada.ws.protocol).toBe('chat.v1');
    expect(bob.ws.protocol).toBe('');

    expect(await ada.ask({ action: 'join', room: 'lobby' })).toEqual({
      type: 'ack',
      action: 'join',
      room: 'lobby',
    });
    expect(await bob.ask({ action: 'join', room: 'lobby' })).toEqual({
      type: 'ack',
      action: 'join',
      room: 'lobby',
    });
    expect(await ada.next()).toEqual({ type: 'joined', room: 'lobby', user: 'bob' });

    expect(await ada.ask({ action: 'say', room: 'lobby', text: 'hi bob' })).toEqual({
      type: 'ack',
      action: 'say',
      room: 'lobby',
      delivered: 1,
      messageId: expect.any(String),
    });
    expect(await bob.next()).toMatchObject({ type: 'message', room: 'lobby', from: 'ada', text: 'hi bob' });

    expect(await bob.ask({ action: 'members', room: 'lobby' })).toEqual({
      type: 'members',
      room: 'lobby',
      users: ['ada', 'bob'],
    });

    await bob.close();
    expect(await ada.next()).toEqual({ type: 'left', room: 'lobby', user: 'bob' });
    await ada.close();
    await vi.waitFor(() => expect(store.inspect()).toEqual({ connections: [], memberships: [] }));
  });

  it('rejects connections without an identity, and messages to rooms not joined', async () => {
    const { url } = await startChat();
    await expect(ChatClient.open(url)).rejects.toThrow('rejected with 403');
    const eve = await ChatClient.open(`${url}?name=eve`);
    expect(await eve.ask({ action: 'say', room: 'secret', text: 'let me in' })).toMatchObject({
      message: 'join secret first',
    });
    expect(await eve.ask({ action: 'join', room: 'bad#room' })).toMatchObject({
      message: 'Invalid message body',
    });
    expect(await eve.ask({ action: 'dance' })).toMatchObject({ type: 'error', message: 'unknown action' });
    await eve.close();
  });

  it("each user's direct channel holds only that user's connections", async () => {
    const { url } = await startChat();
    const ada = await ChatClient.open(`${url}?name=ada`);
    const mallory = await ChatClient.open(`${url}?name=mallory`);
    await ada.ask({ action: 'members', room: 'x' }); // a round trip: both $connects are recorded
    const byUser = new Map(store.inspect().connections.map((c) => [c.data.user, c]));
    expect(byUser.get('mallory')?.channels).toEqual(['user#mallory']);
    expect((await store.members('user#ada')).connectionIds).toEqual([byUser.get('ada')?.connectionId]);
    await Promise.all([ada.close(), mallory.close()]);
  });
});
