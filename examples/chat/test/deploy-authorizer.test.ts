import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../deploy/authorizer.js';

const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/$connect';
const request = (query: Record<string, string> | null) =>
  ({ type: 'REQUEST', methodArn, queryStringParameters: query }) as APIGatewayRequestAuthorizerEvent;

describe('chat deploy: $connect REQUEST authorizer', () => {
  it('allows ?name= as principalId', async () => {
    expect(await handler(request({ name: 'ada' }))).toMatchObject({
      principalId: 'ada',
      policyDocument: { Statement: [{ Effect: 'Allow', Resource: methodArn }] },
    });
  });

  it('answers Unauthorized without a valid name', async () => {
    await expect(handler(request(null))).rejects.toThrow('Unauthorized');
    await expect(handler(request({ name: 'no spaces allowed' }))).rejects.toThrow('Unauthorized');
  });
});
