import { type SecretsManagerServer, startSecretsManager } from '@wsapp/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { secretReader } from '../src/secrets/index.js';

// The default reader goes through the real @aws-sdk/client-secrets-manager, pointed at a loopback
// server speaking Secrets Manager's GetSecretValue protocol by the SDK's own endpoint variable.
let sm: SecretsManagerServer;
beforeAll(async () => {
  sm = await startSecretsManager();
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', sm.endpoint);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await sm.close();
});

describe('secretReader', () => {
  it('reads the secret once, serves it from memory until maxAgeMs, then reads the new value', async () => {
    const arn = sm.put('session-a', 'key-one-0123456789012345678901234567');
    let now = 1_000;
    const read = secretReader({ secretId: arn, maxAgeMs: 60_000, now: () => now });
    expect(await Promise.all([read(), read(), read()])).toEqual(
      Array(3).fill('key-one-0123456789012345678901234567'),
    );
    expect(sm.reads.get(arn)).toBe(1); // concurrent first calls share one request
    now += 59_999;
    await read();
    expect(sm.reads.get(arn)).toBe(1);
    sm.put('session-a', 'key-two-0123456789012345678901234567,key-one-0123456789012345678901234567');
    now += 1;
    expect(await read()).toBe('key-two-0123456789012345678901234567,key-one-0123456789012345678901234567');
    expect(sm.reads.get(arn)).toBe(2);
  });

  it('rejects when the first read fails, and serves the last value when a refresh fails', async () => {
    const missing = secretReader({ secretId: sm.arn('never-put') });
    await expect(missing()).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    let now = 0;
    let fail = false;
    const read = secretReader({
      secretId: 'x',
      maxAgeMs: 10,
      now: () => now,
      read: async () => {
        if (fail) throw new Error('Secrets Manager unavailable');
        return 'value';
      },
    });
    expect(await read()).toBe('value');
    fail = true;
    now = 100;
    expect(await read()).toBe('value');
  });

  it('refuses a bad secretId or maxAgeMs at once', () => {
    expect(() => secretReader({ secretId: '' })).toThrow(TypeError);
    expect(() => secretReader({ secretId: 'x', maxAgeMs: -1 })).toThrow(RangeError);
  });
});
