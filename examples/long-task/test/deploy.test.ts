import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler as authorize } from '../deploy/authorizer.js';
import { createStore } from '../src/store.js';

const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/$connect';
const request = (query: Record<string, string> | null) =>
  ({ type: 'REQUEST', methodArn, queryStringParameters: query }) as APIGatewayRequestAuthorizerEvent;

describe('long-task deploy: $connect REQUEST authorizer (demo)', () => {
  it('allows ?name= as principalId', async () => {
    expect(await authorize(request({ name: 'ada' }))).toMatchObject({
      principalId: 'ada',
      policyDocument: { Statement: [{ Effect: 'Allow', Resource: methodArn }] },
    });
  });

  it('answers Unauthorized without a valid name', async () => {
    await expect(authorize(request(null))).rejects.toThrow('Unauthorized');
    await expect(authorize(request({ name: 'no spaces allowed' }))).rejects.toThrow('Unauthorized');
  });
});

describe('long-task store from the environment', () => {
  it('needs TABLE_NAME for dynamodb and REDIS_URL for redis, and knows no other backend', async () => {
    await expect(createStore({ STORE: 'dynamodb' })).rejects.toThrow('TABLE_NAME must be set');
    await expect(createStore({ STORE: 'redis' })).rejects.toThrow(
      'REDIS_URL or REDIS_URL_SECRET_ARN must be set',
    );
    await expect(createStore({ STORE: 'sqlite' })).rejects.toThrow('STORE=sqlite is not supported');
    await expect(createStore({})).resolves.toBeDefined();
  });
});
