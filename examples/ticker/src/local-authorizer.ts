import type { Authorizer } from '@wsapp/local';
import { verifyToken } from './token.js';

/**
 * The `$connect` authorizer for `@wsapp/local`: the same token check as the deployed REQUEST
 * authorizer (`?token=`), answering 401 when it fails.
 */
export function localAuthorizer(secret: string): Authorizer {
  return (request) => {
    const token = request.queryStringParameters?.token;
    const userId = token === undefined ? undefined : verifyToken(token, secret);
    if (userId === undefined) throw Object.assign(new Error('Unauthorized'), { statusCode: 401 });
    return { principalId: userId };
  };
}
