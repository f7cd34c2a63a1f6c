import { secretReader } from '@wsapp/core/secrets';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { createAuthorizer } from '../authorizer.js';
import { requireEnv } from './env.js';

// The HMAC key, read at run time from Secrets Manager (only its ARN is in the environment), kept 5 minutes.
const tokenSecret = secretReader({ secretId: requireEnv('TOKEN_SECRET_ARN') });
let current: { secret: string; authorize: ReturnType<typeof createAuthorizer> } | undefined;

/** Lambda entry point of the `$connect` REQUEST authorizer; a rotated key is used once the cache expires. */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const secret = await tokenSecret();
  if (current?.secret !== secret) current = { secret, authorize: createAuthorizer(secret) };
  return current.authorize(event);
}
