import { MemoryConnectionStore } from '@wsapp/store-memory';
import { loadTemplate, validateTemplate, webSocketTemplateProblems } from '@wsapp/testing/sam';
import { describe, expect, it } from 'vitest';
import { createChatApp } from '../src/app.js';

// Nothing can be deployed from here: the SAM template's structure is checked instead, against
// the routes the chat app declares (the template checks are `@wsapp/testing/sam`).
const root = new URL('../', import.meta.url);
const template = loadTemplate(new URL('template.yaml', root));

describe('chat template.yaml', () => {
  it('has a route, an integration and a permission for every route the app declares', () => {
    // Deployed with sessions (SESSION_SECRET): the automatic resume route is declared too.
    const app = createChatApp({ store: new MemoryConnectionStore(), sessions: { secret: 'x'.repeat(32) } });
    expect(app.twoWayRouteKeys.sort()).toEqual([
      '$default',
      'heartbeat',
      'join',
      'leave',
      'members',
      'resume',
      'say',
    ]);
    expect(
      webSocketTemplateProblems(template, {
        routeKeys: app.routeKeys,
        twoWayRouteKeys: app.twoWayRouteKeys,
        connectAuthorization: 'lambda',
        codeRoot: root,
      }),
    ).toEqual([]);
  });

  it('reads the session key from a generated Secrets Manager secret at run time, never from a parameter', () => {
    const variables = (
      template.Resources.WebSocketFunction?.Properties?.Environment as { Variables?: Record<string, unknown> }
    )?.Variables;
    expect(variables?.SESSION_SECRET_ARN).toEqual({ Ref: 'SessionSecret' });
    expect(variables).not.toHaveProperty('SESSION_SECRET');
    expect(template.Resources.SessionSecret).toMatchObject({
      Type: 'AWS::SecretsManager::Secret',
      Properties: { GenerateSecretString: { PasswordLength: 64 } },
    });
    const policies = template.Resources.WebSocketFunction?.Properties?.Policies as unknown[];
    expect(policies).toContainEqual({
      Statement: [
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'SessionSecret' } },
      ],
    });
    expect(Object.keys(template.Parameters ?? {})).not.toContain('SessionSecret');
  });

  it('passes AWS CloudFormation Validate (schemas, references, runtimes) with no warning', {
    timeout: 120_000,
  }, () => {
    expect(validateTemplate(new URL('template.yaml', root))).toEqual([]);
  });

  it('authorizes $connect with ?name=, the identity the chat app reads as principalId', () => {
    expect(template.Resources.ConnectAuthorizer?.Properties?.IdentitySource).toEqual([
      'route.request.querystring.name',
    ]);
  });
});
