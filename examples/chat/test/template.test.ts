import { MemoryConnectionStore } from '@wsapp/store-memory';
import { loadTemplate, referenceProblems, webSocketTemplateProblems } from '@wsapp/testing/sam';
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

  it('passes the session secret to every function, from a NoEcho parameter of at least 32 bytes', () => {
    const variables = (template.Globals?.Function?.Environment as { Variables?: Record<string, unknown> })
      ?.Variables;
    expect(variables?.SESSION_SECRET).toEqual({ Ref: 'SessionSecret' });
    expect(template.Parameters?.SessionSecret).toMatchObject({ NoEcho: true, MinLength: 32 });
  });

  it('refers only to parameters, resources and conditions it defines', () => {
    expect(referenceProblems(template)).toEqual([]);
  });

  it('authorizes $connect with ?name=, the identity the chat app reads as principalId', () => {
    expect(template.Resources.ConnectAuthorizer?.Properties?.IdentitySource).toEqual([
      'route.request.querystring.name',
    ]);
  });
});
