import { MemoryConnectionStore } from '@wsapp/store-memory';
import { describe, expect, it } from 'vitest';
import { createChatApp } from '../src/app.js';
import { chatSessions, DEV_SESSION_SECRET } from '../src/sessions.js';

describe('chat sessions from the environment', () => {
  it('uses SESSION_SECRET, comma-separated keys for rotation (the first signs)', () => {
    const a = 'a'.repeat(32);
    const b = 'b'.repeat(32);
    expect(chatSessions({ SESSION_SECRET: a })).toEqual({ secret: [a] });
    expect(chatSessions({ SESSION_SECRET: `${a},${b}`, AWS_LAMBDA_FUNCTION_NAME: 'chat' })).toEqual({
      secret: [a, b],
    });
  });

  it('falls back to the local dev key on a laptop, never in Lambda', () => {
    expect(chatSessions({})).toEqual({ secret: DEV_SESSION_SECRET });
    expect(() => chatSessions({ AWS_LAMBDA_FUNCTION_NAME: 'chat' })).toThrow(/SESSION_SECRET must be set/);
  });

  it('with sessions, the app declares the two-way resume route', () => {
    const app = createChatApp({ store: new MemoryConnectionStore(), sessions: chatSessions({}) });
    expect(app.twoWayRouteKeys).toContain('resume');
    expect(createChatApp({ store: new MemoryConnectionStore() }).routeKeys).not.toContain('resume');
  });
});
