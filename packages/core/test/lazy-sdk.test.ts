import { lazySdk, WsappError } from '@wsapp/core';
import { describe, expect, it } from 'vitest';

describe('lazySdk', () => {
  it('loads once, names the package to install when missing, and retries after a failure', async () => {
    let calls = 0;
    const load = lazySdk('@aws-sdk/client-sqs', async () => {
      calls++;
      if (calls === 1) throw new Error('Cannot find module');
      return { ok: true };
    });
    const failure = await load().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WsappError);
    expect(failure).toMatchObject({
      code: 'MissingDependency',
      message: expect.stringContaining('npm install @aws-sdk/client-sqs'),
    });
    expect(await load()).toEqual({ ok: true });
    expect(await load()).toEqual({ ok: true });
    expect(calls).toBe(2);
  });
});
