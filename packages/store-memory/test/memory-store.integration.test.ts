import { MemoryConnectionStore } from '@wsapp/store-memory';
import { connectionStoreSuite } from '@wsapp/testing/conformance';
import { describe, expect, inject, it } from 'vitest';

// Smoke test of the integration harness: the global setup ran (backends were provided) and the
// shared conformance suite runs in this project like it does for the real backends.
describe('integration harness', () => {
  it('provides the real backends to tests', () => {
    expect(inject('wsappRedisUrl')).toMatch(/^redis:\/\//);
    expect(inject('wsappRedisClusterNodes').length).toBe(3);
    expect(inject('wsappDynamoDB').endpoint).toMatch(/^http:\/\//);
  });
});

connectionStoreSuite('memory (integration project)', {
  create: ({ clock, ...limits }) => new MemoryConnectionStore({ ...limits, clock: () => clock.now() }),
});
