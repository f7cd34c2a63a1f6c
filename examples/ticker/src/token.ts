import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A minimal signed token for the example: `base64url(userId).expiresAt.signature`, HMAC-SHA256
 * with a shared secret. A real deployment verifies its identity provider's JWT here instead.
 */
export function issueToken(userId: string, secret: string, ttlSeconds = 3600, now = Date.now()): string {
  const payload = `${Buffer.from(userId, 'utf8').toString('base64url')}.${Math.floor(now / 1000) + ttlSeconds}`;
  return `${payload}.${sign(payload, secret)}`;
}

/** The user id of a valid, unexpired token; `undefined` otherwise. */
export function verifyToken(token: string, secret: string, now = Date.now()): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [user, expires, signature] = parts as [string, string, string];
  const expected = Buffer.from(sign(`${user}.${expires}`, secret));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  if (!/^\d+$/.test(expires) || Number(expires) * 1000 <= now) return undefined;
  const userId = Buffer.from(user, 'base64url').toString('utf8');
  return userId.length > 0 ? userId : undefined;
}

function sign(payload: string, secret: string): string {
  if (secret.length < 16) throw new RangeError('the token secret must be at least 16 characters');
  return createHmac('sha256', secret).update(payload).digest('base64url');
}
