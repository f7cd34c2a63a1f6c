import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
// The root entry, kept external by the build: one lazy loader and one WsappError class.
import { lazySdk } from '@wsapp/core';

/** Options of {@link secretReader}. */
export interface SecretReaderOptions {
  /** The secret's ARN or name (e.g. `process.env.SESSION_SECRET_ARN`). */
  secretId: string;
  /**
   * How long a value read is served from memory before the next call reads it again, milliseconds.
   * Default 300,000 (5 minutes): a rotated secret reaches every warm container within this time.
   */
  maxAgeMs?: number;
  /**
   * Reads the secret's current text. Default: `GetSecretValue` through a `SecretsManagerClient` from
   * `@aws-sdk/client-secrets-manager` (an optional peer, provided by the Lambda Node.js runtime;
   * loaded on the first read, not at import), whose endpoint follows the SDK's configuration
   * (`AWS_ENDPOINT_URL_SECRETS_MANAGER`, `AWS_REGION`).
   */
  read?: (secretId: string) => Promise<string>;
  /** The clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** Reads the secret's current value: from memory while it is fresh, else from Secrets Manager. */
export type SecretReader = () => Promise<string>;

const DEFAULT_MAX_AGE_MS = 300_000;

/**
 * A cached reader of one Secrets Manager secret, for Lambda code: the secret is read at run time
 * (never from the template or the environment), once per container and then again at most every
 * `maxAgeMs`. Concurrent calls share one request. When a refresh fails, the last value is served
 * and the next call tries again (a Secrets Manager outage does not take a warm function down);
 * when the first read fails, the call rejects and the next call retries.
 *
 * @example
 * ```ts
 * import { secretReader } from '@wsapp/core/secrets';
 * const sessionSecret = secretReader({ secretId: process.env.SESSION_SECRET_ARN ?? '' });
 * export async function handler(event, context) {
 *   const secret = await sessionSecret(); // from memory on most invocations
 *   // …
 * }
 * ```
 */
export function secretReader(options: SecretReaderOptions): SecretReader {
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  if (!(Number.isFinite(maxAgeMs) && maxAgeMs >= 0)) throw new RangeError('maxAgeMs must be a number ≥ 0');
  if (typeof options.secretId !== 'string' || options.secretId.length === 0) {
    throw new TypeError('secretId must be a non-empty string');
  }
  const now = options.now ?? Date.now;
  const read = options.read ?? getSecretValue;
  let cached: { value: string; readAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  return () => {
    if (cached !== undefined && now() - cached.readAt < maxAgeMs) return Promise.resolve(cached.value);
    inFlight ??= read(options.secretId)
      .then(
        (value) => {
          cached = { value, readAt: now() };
          return value;
        },
        (error: unknown) => {
          if (cached === undefined) throw error;
          // Stale but known: keep serving it, retry on the next call.
          return cached.value;
        },
      )
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}

const loadSdk = lazySdk(
  '@aws-sdk/client-secrets-manager',
  () => import('@aws-sdk/client-secrets-manager'),
  'secretReader',
);
let client: SecretsManagerClient | undefined;

/** `GetSecretValue` with one SDK client per container, created on first use. */
async function getSecretValue(secretId: string): Promise<string> {
  const sdk = await loadSdk();
  client ??= new sdk.SecretsManagerClient({});
  const output = await client.send(new sdk.GetSecretValueCommand({ SecretId: secretId }));
  // Binary secrets are not supported: the values read here are text (session keys, URLs).
  if (typeof output.SecretString !== 'string') throw new Error(`secret ${secretId} has no SecretString`);
  return output.SecretString;
}
