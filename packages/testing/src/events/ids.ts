import { randomBytes } from 'node:crypto';

/** A connection id in API Gateway's form: 16 base64 characters ending in `=` (e.g. `L0SM9cOFvHcCIhw=`). */
export function connectionIdLike(): string {
  return randomBytes(11).toString('base64');
}

/** A request id in API Gateway's form (same alphabet and length as connection ids). */
export function requestIdLike(): string {
  return randomBytes(11).toString('base64');
}
