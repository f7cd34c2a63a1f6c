import { loadTemplate, validateTemplate, webSocketTemplateProblems } from '@wsapp/testing/sam';
import { describe, expect, it } from 'vitest';
import { createLongTaskApp } from '../src/app.js';

// Nothing can be deployed from here: the SAM template's structure is checked against the routes
// the long-task app declares, with the same checks as the other examples.
const root = new URL('../', import.meta.url);
const template = loadTemplate(new URL('template.yaml', root));

describe('long-task template.yaml', () => {
  it('has a route, an integration and a permission for every route the app declares', () => {
    const app = createLongTaskApp({
      target: { name: 'unused', put: async () => undefined },
      secret: 'unused-key-of-at-least-32-bytes-long!',
    });
    expect(app.twoWayRouteKeys.sort()).toEqual(['$default', 'submit']);
    expect(
      webSocketTemplateProblems(template, {
        routeKeys: app.routeKeys,
        twoWayRouteKeys: app.twoWayRouteKeys,
        connectAuthorization: 'lambda',
        codeRoot: root,
      }),
    ).toEqual([]);
  });

  it('passes AWS CloudFormation Validate (schemas, references, runtimes) with no warning', {
    timeout: 120_000,
  }, () => {
    expect(validateTemplate(new URL('template.yaml', root))).toEqual([]);
  });
});
