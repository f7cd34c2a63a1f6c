import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';

const NAME = /^[\w-]{1,32}$/;

/**
 * The `$connect` Lambda REQUEST authorizer: `?name=ada` becomes `principalId: 'ada'`, the only
 * identity the app trusts; anything else answers 401.
 *
 * Demo only: the client chooses its name, so nothing is verified. A real deployment checks a
 * token from its identity provider here (the ticker example verifies a signed token).
 */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const name = event.queryStringParameters?.name;
  if (name === undefined || !NAME.test(name)) throw new Error('Unauthorized');
  return {
    principalId: name,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
    },
  };
}
