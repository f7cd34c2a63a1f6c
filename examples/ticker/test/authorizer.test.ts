import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createAuthorizer } from '../src/authorizer.js';
import { issueToken, verifyToken } from '../src/token.js';

const secret = 'an example secret of 32 chars!!!';
const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/$connect';
const request = (query: Record<string, string> | null) =>
  ({ type: 'REQUEST', methodArn, queryStringParameters: query }) as APIGatewayRequestAuthorizerEvent;

describe('connection tokens', () => {
  it('round-trip a user id until they expire', () => {
    const now = Date.UTC(2026, 10, 22);
    const token = issueToken('ada@example.com', secret, 60, now);
    expect(verifyToken(token, secret, now)).toBe('ada@example.com');
    expect(verifyToken(token, secret, now + 61_000)).toBeUndefined();
    expect(verifyToken(token, 'another secret of enough length', now)).toBeUndefined();
    expect(verifyToken(`${token.slice(0, -1)}x`, secret, now)).toBeUndefined();
    expect(verifyToken('not.a.token', secret, now)).toBeUndefined();
    expect(verifyToken('', secret, now)).toBeUndefined();
  });
});

describe('$connect REQUEST authorizer', () => {
  const authorize = createAuthorizer(secret);

  it('allows a valid token with the user id as principalId', async () => {
    const result = await authorize(request({ token: issueToken('ada', secret) }));
    expect(result).toEqual({
      principalId: 'ada',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }],
      },
    });
  });

  it('answers Unauthorized (401) without a valid token', async () => {
    await expect(authorize(request(null))).rejects.toThrow('Unauthorized');
    await expect(authorize(request({ token: 'forged' }))).rejects.toThrow('Unauthorized');
    await expect(authorize(request({ user: 'ada' }))).rejects.toThrow('Unauthorized');
  });
});
