import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { verifyToken } from './token.js';

/**
 * The `$connect` Lambda REQUEST authorizer: reads `?token=` (browsers cannot set headers on a
 * WebSocket), allows a valid token with `principalId` = the user id, and answers 401 otherwise by
 * throwing `Unauthorized`. API Gateway then puts `principalId` into `requestContext.authorizer`
 * of every event of the connection, where the app reads it.
 */
export function createAuthorizer(
  secret: string,
): (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult> {
  return async (event) => {
    const token = event.queryStringParameters?.token;
    const userId = token === undefined ? undefined : verifyToken(token, secret);
    if (userId === undefined) throw new Error('Unauthorized');
    return {
      principalId: userId,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
      },
    };
  };
}
