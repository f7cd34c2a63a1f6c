import { randomBytes } from 'node:crypto';

/**
 * A name unique to this call, for isolating tests that share a backend: a Redis key prefix, a
 * DynamoDB table name (only `[A-Za-z0-9_.-]`, 3–255 characters), a channel.
 * E.g. `uniqueName('conn')` → `conn-m1x2y3z4-9f8e7d6c`.
 */
export function uniqueName(prefix = 'wsapp'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
