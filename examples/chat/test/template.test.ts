import { MemoryConnectionStore } from '@wsapp/store-memory';
import { describe, expect, it } from 'vitest';
import { loadTemplate, referenceProblems } from '../../ticker/test/support/cloudformation.js';
import { webSocketTemplateProblems } from '../../ticker/test/support/websocket-template.js';
import { createChatApp } from '../src/app.js';

// Nothing can be deployed from here: the SAM template's structure is checked instead, against
// the routes the chat app declares (the template checks live with the ticker example).
const root = new URL('../', import.meta.url);
const template = loadTemplate(new URL('template.yaml', root));

describe('chat template.yaml', () => {
  it('has a route, an integration and a permission for every route the app declares', () => {
    const app = createChatApp({ store: new MemoryConnectionStore() });
    expect(
      webSocketTemplateProblems(template, {
        routeKeys: app.routeKeys,
        connectAuthorization: 'lambda',
        codeRoot: root,
      }),
    ).toEqual([]);
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
