import type { ConnectionStore } from '@wsapp/core';
import { serve } from '@wsapp/local';
import { uniqueName } from '@wsapp/testing';
import { describe, expect, inject, it, vi } from 'vitest';
import { createChatApp } from '../src/app.js';
import { nameAuthorizer } from '../src/authorizer.js';
import { createStore } from '../src/store.js';
import { ChatClient } from './chat-client.js';

// The chat runs unchanged on each real backend, chosen the way `pnpm start` chooses it.
const backends: Array<[string, () => NodeJS.ProcessEnv]> = [
  [
    'redis',
    () => ({ STORE: 'redis', REDIS_URL: inject('wsappRedisUrl'), KEY_PREFIX: `${uniqueName('chat')}:` }),
  ],
  [
    'dynamodb',
    () => ({
      STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: inject('wsappDynamoDB').endpoint,
      TABLE_NAME: uniqueName('chat'),
    }),
  ],
];

describe.each(backends)('chat on %s', (_name, env) => {
  it('two clients talk through a room, and nothing is left behind', async () => {
    const store: ConnectionStore & { close?: () => Promise<void> } = await createStore(env());
    const logger = { error: vi.fn(), warn: vi.fn() };
    const server = await serve(createChatApp({ store, logger }), { authorizer: nameAuthorizer, logger });
    try {
      const ada = await ChatClient.open(`${server.url}?name=ada`);
      const bob = await ChatClient.open(`${server.url}?name=bob`);
      await ada.ask({ action: 'join', room: 'r1' });
      await bob.ask({ action: 'join', room: 'r1' });
      expect(await ada.next()).toEqual({ type: 'joined', room: 'r1', user: 'bob' });
      expect(await bob.ask({ action: 'say', room: 'r1', text: 'over the store' })).toMatchObject({
        delivered: 1,
      });
      expect(await ada.next()).toMatchObject({ type: 'message', from: 'bob', text: 'over the store' });
      await Promise.all([ada.close(), bob.close()]);
      await vi.waitFor(async () => expect((await store.members('room#r1')).connectionIds).toEqual([]));
      expect(logger.error).not.toHaveBeenCalled();
    } finally {
      await server.close();
      await store.close?.();
    }
  });
});
