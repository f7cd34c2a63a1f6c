import { expect } from 'vitest';
import { ChatClient } from './chat-client.js';

/** The next frame matching `wanted`, skipping others (pushes of other kinds), within 10 s. */
async function frame(
  client: ChatClient,
  wanted: (m: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  for (let skipped = 0; skipped < 20; skipped++) {
    const left = deadline - Date.now();
    const message = (await Promise.race([
      client.next(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no matching frame within 10 s')), left)),
    ])) as Record<string, unknown>;
    if (wanted(message)) return message;
  }
  throw new Error('no matching frame in 20 frames');
}

/**
 * The chat's round trip through a served deployment at `url`, asserted step by step: the demo
 * authorizer refuses a connection without `?name=` (401); ada and bob connect and join `lobby`
 * (acks; ada is told bob joined); bob says `text` (acked as delivered to 1) and ada receives it
 * from bob. The clients are closed whatever happens.
 */
export async function chatRoundTrip(url: string, text: string): Promise<void> {
  await expect(ChatClient.open(url)).rejects.toThrow(/rejected with 401/);
  const clients: ChatClient[] = [];
  try {
    const ada = await ChatClient.open(`${url}?name=ada`);
    clients.push(ada);
    const bob = await ChatClient.open(`${url}?name=bob`);
    clients.push(bob);
    ada.send({ action: 'join', room: 'lobby' });
    expect(await frame(ada, (m) => m.type === 'ack')).toEqual({ type: 'ack', action: 'join', room: 'lobby' });
    bob.send({ action: 'join', room: 'lobby' });
    expect(await frame(bob, (m) => m.type === 'ack')).toMatchObject({ action: 'join' });
    expect(await frame(ada, (m) => m.type === 'joined')).toMatchObject({
      type: 'joined',
      room: 'lobby',
      user: 'bob',
    });
    bob.send({ action: 'say', room: 'lobby', text });
    expect(await frame(bob, (m) => m.type === 'ack')).toMatchObject({ action: 'say', delivered: 1 });
    expect(await frame(ada, (m) => m.type === 'message')).toMatchObject({ room: 'lobby', from: 'bob', text });
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  }
}
