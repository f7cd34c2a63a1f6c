import { backoffDelay, defaultShouldReconnect } from '@wsapp/client';
import { describe, expect, it } from 'vitest';

describe('backoffDelay (full jitter)', () => {
  it('spans [0, min(max, base·2^(n-1))) and caps', () => {
    const top = (n: number) => backoffDelay(n, { baseMs: 100, maxMs: 1000 }, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, { baseMs: 100 }, () => 0)).toBe(0);
    expect(backoffDelay(1000)).toBeLessThan(30_000); // no overflow on long outages
  });

  it('spreads many clients over the whole window (no stampede)', () => {
    const delays = Array.from({ length: 2000 }, () => backoffDelay(4, { baseMs: 100 }));
    const buckets = [0, 0, 0, 0];
    for (const d of delays) buckets[Math.floor(d / 200)]! += 1;
    for (const count of buckets) expect(count).toBeGreaterThan(350); // ~500 each of 2000
  });
});

describe('defaultShouldReconnect', () => {
  const base = { reason: '', everOpened: false, networkError: false, opened: false };
  it('never retries 401/403 handshakes; retries 429 and 5xx', () => {
    for (const status of [400, 401, 403, 404])
      expect(defaultShouldReconnect({ ...base, code: 1006, status })).toBe(false);
    for (const status of [429, 500, 502, 503])
      expect(defaultShouldReconnect({ ...base, code: 1006, status })).toBe(true);
  });
  it('tells a browser-hidden rejection (first open fails, no reason) from a drop', () => {
    expect(defaultShouldReconnect({ ...base, code: 1006 })).toBe(false);
    expect(defaultShouldReconnect({ ...base, code: 1006, everOpened: true })).toBe(true);
    expect(defaultShouldReconnect({ ...base, code: 1006, networkError: true })).toBe(true);
  });
  it('retries drops and going-away closes, not kicks and policy closes', () => {
    const open = { ...base, opened: true, everOpened: true };
    for (const code of [1001, 1006, 1011, 1012, 4000])
      expect(defaultShouldReconnect({ ...open, code })).toBe(true);
    for (const code of [1000, 1008, 4401, 4403])
      expect(defaultShouldReconnect({ ...open, code })).toBe(false);
  });
});
