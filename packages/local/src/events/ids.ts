import { randomBytes } from 'node:crypto';

/**
 * An id in API Gateway's form: 11 random bytes as URL-safe base64 with its `=` padding, 16
 * characters (e.g. `JC1dgf9yoAMCK-g=`). API Gateway uses this alphabet for connection, request and
 * message ids, so ids never contain `/` or `+`.
 */
export function gatewayId(): string {
  return `${randomBytes(11).toString('base64url')}=`;
}

const CONNECTION_ID = /^[A-Za-z0-9_\-+/]{15}=$/;

/** Whether a string has the shape of an API Gateway connection id (anything else answers 400). */
export function isConnectionIdShape(id: string): boolean {
  return CONNECTION_ID.test(id);
}
