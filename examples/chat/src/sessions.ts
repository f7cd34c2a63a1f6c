import type { SessionOptions } from '@wsapp/core';

/**
 * LOCAL DEVELOPMENT ONLY: a fixed, published key, so `pnpm start` resumes sessions without setup.
 * Anyone can sign tokens with it; it is refused wherever `SESSION_SECRET` must be set (Lambda).
 */
export const DEV_SESSION_SECRET = 'wsapp-chat-LOCAL-DEV-ONLY-not-a-secret-0000';

/**
 * The chat's session options from the environment: `SESSION_SECRET` (at least 32 bytes; several
 * comma-separated for rotation, the first signs). Without it, the local dev key, except in Lambda
 * (`AWS_LAMBDA_FUNCTION_NAME` set), where a missing secret is an error.
 */
export function chatSessions(env: NodeJS.ProcessEnv = process.env): SessionOptions {
  const secret = env.SESSION_SECRET;
  if (secret) return { secret: secret.split(',') };
  if (env.AWS_LAMBDA_FUNCTION_NAME) throw new Error('SESSION_SECRET must be set (at least 32 bytes)');
  return { secret: DEV_SESSION_SECRET };
}
