import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describe, expect, it } from 'vitest';
import { SayMessage } from '../src/protocol.js';

// No full zod in this file (it would set the English locale for zod/mini too): the protocol
// module itself must load it, or a 400 reply would say only "Invalid input".
async function issues(schema: StandardSchemaV1, input: unknown) {
  const result = await schema['~standard'].validate(input);
  return result.issues?.map((i) => [i.path, i.message]);
}

describe('chat protocol messages', () => {
  it('are zod’s English messages', async () => {
    expect(await issues(SayMessage, { action: 'say', room: 'lobby', text: '' })).toEqual([
      [['text'], 'Too small: expected string to have >=1 characters'],
    ]);
    expect(await issues(SayMessage, { action: 'say', room: 'lobby', text: 'x'.repeat(2001) })).toEqual([
      [['text'], 'Too big: expected string to have <=2000 characters'],
    ]);
    expect(await issues(SayMessage, { action: 'said', text: 5 })).toEqual([
      [['action'], 'Invalid input: expected "say"'],
      [['room'], 'Invalid input: expected string, received undefined'],
      [['text'], 'Invalid input: expected string, received number'],
    ]);
  });
});
