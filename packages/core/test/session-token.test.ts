import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sessionConfig } from '../src/sessions/session-options.js';
import {
  newSessionId,
  principalHash,
  type SessionClaims,
  signSessionToken,
  verifySessionToken,
} from '../src/sessions/session-token.js';

const A = Buffer.from('a'.repeat(32));
const B = Buffer.from('b'.repeat(40));
const claims: SessionClaims = {
  s: newSessionId(),
  p: principalHash('alice'),
  c: 'Abc123=',
  t: 1_700_000_000,
};

/** The spec's format, built by hand: `s1.<base64url(JSON)>.<base64url(HMAC-SHA256)>`. */
function handMade(payload: unknown, secret: Buffer): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const mac = createHmac('sha256', secret).update(`s1.${body}`).digest('base64url');
  return `s1.${body}.${mac}`;
}

describe('session tokens', () => {
  it('have the agreed format and verify with their secret', () => {
    const token = signSessionToken(claims, A);
    expect(token).toMatch(/^s1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(token).toBe(handMade(claims, A));
    expect(verifySessionToken(token, [A])).toEqual(claims);
  });

  it('session ids are 128 random bits in base64url, all distinct', () => {
    const ids = new Set(Array.from({ length: 1000 }, newSessionId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(Buffer.from(id, 'base64url')).toHaveLength(16);
  });

  it('refuse a MAC made with another secret (forged)', () => {
    expect(verifySessionToken(signSessionToken(claims, B), [A])).toBeUndefined();
  });

  it('rotation: the first secret signs, every secret verifies; a dropped secret no longer does', () => {
    const config = sessionConfig({ secret: [B.toString(), A.toString()] });
    const old = signSessionToken(claims, A);
    expect(verifySessionToken(old, config.secrets)).toEqual(claims);
    expect(config.secrets[0]).toEqual(B);
    expect(verifySessionToken(old, sessionConfig({ secret: B.toString() }).secrets)).toBeUndefined();
  });

  it('refuse a tampered payload (another session, principal or connection under the old MAC)', () => {
    const token = signSessionToken(claims, A);
    const [, , mac] = token.split('.');
    for (const change of [{ s: newSessionId() }, { p: principalHash('mallory') }, { c: 'other' }, { t: 0 }]) {
      const body = Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url');
      expect(verifySessionToken(`s1.${body}.${mac}`, [A])).toBeUndefined();
    }
    // One flipped character anywhere.
    for (let i = 3; i < token.length; i += 7) {
      const flipped = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      expect(verifySessionToken(flipped, [A])).toBeUndefined();
    }
  });

  it('refuse truncated tokens, at every length', () => {
    const token = signSessionToken(claims, A);
    for (let n = 0; n < token.length; n++) expect(verifySessionToken(token.slice(0, n), [A])).toBeUndefined();
  });

  it('refuse hostile input without throwing', () => {
    const good = signSessionToken(claims, A);
    const hostile: unknown[] = [
      undefined,
      null,
      42,
      {},
      ['s1', 'x', 'y'],
      '',
      '..',
      's1..',
      `s2${good.slice(2)}`,
      `${good}.extra`,
      `${good}=`,
      good.replace(/\./g, '%2E'),
      `s1.${'A'.repeat(100_000)}.${'A'.repeat(43)}`,
      `s1.\u0000.${'A'.repeat(43)}`,
      good.toUpperCase(),
    ];
    for (const input of hostile) expect(verifySessionToken(input, [A])).toBeUndefined();
  });

  it('refuse validly signed claims of the wrong shape (a MAC is not enough)', () => {
    for (const payload of [
      null,
      [],
      'text',
      { ...claims, s: 'short' },
      { ...claims, p: 42 },
      { ...claims, c: '' },
      { ...claims, c: 'has space' },
      { ...claims, t: -1 },
      { ...claims, t: 1.5 },
      { s: claims.s, p: claims.p, c: claims.c },
    ]) {
      expect(verifySessionToken(handMade(payload, A), [A])).toBeUndefined();
    }
  });

  it('principal hashes differ per principal, are stable, and hide the principal', () => {
    expect(principalHash('alice')).toBe(principalHash('alice'));
    expect(principalHash('alice')).not.toBe(principalHash('bob'));
    expect(principalHash('alice')).not.toContain('alice');
    expect(principalHash(undefined)).toBe('');
    expect(principalHash('')).not.toBe('');
  });
});

describe('session options', () => {
  it('refuse secrets under 32 bytes, bad windows and bad route keys', () => {
    expect(() => sessionConfig({ secret: 'short' })).toThrow(RangeError);
    expect(() => sessionConfig({ secret: [] })).toThrow(TypeError);
    expect(() => sessionConfig({ secret: [A.toString(), 'short'] })).toThrow(RangeError);
    expect(() => sessionConfig({ secret: A.toString(), resumeWindowSeconds: 0 })).toThrow(RangeError);
    expect(() => sessionConfig({ secret: A.toString(), resumeWindowSeconds: 8 * 86400 })).toThrow(RangeError);
    expect(() => sessionConfig({ secret: A.toString(), action: '$connect' })).toThrow(TypeError);
  });

  it('default to a 600 s window and the `resume` route', () => {
    expect(sessionConfig({ secret: A.toString() })).toMatchObject({
      resumeWindowSeconds: 600,
      action: 'resume',
    });
  });
});
