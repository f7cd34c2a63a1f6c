import { MemoryConnectionStore } from '@wsapp/store-memory';
import { describe, expect, it } from 'vitest';
import { createTickerApp } from '../src/app.js';
import { PRICE_DETAIL_TYPE, PRICE_SOURCE } from '../src/prices.js';
import { loadTemplate, referenceProblems } from './support/cloudformation.js';
import { webSocketTemplateProblems } from './support/websocket-template.js';

// Nothing can be deployed from here: these tests check the template's structure instead.
const root = new URL('../', import.meta.url);
const template = loadTemplate(new URL('template.yaml', root));
const app = createTickerApp({ store: new MemoryConnectionStore() });

describe('ticker template.yaml', () => {
  it('has a route, an integration and a permission for every route the app declares', () => {
    expect(app.routeKeys.sort()).toEqual(['$connect', '$default', 'heartbeat', 'subscribe', 'unsubscribe']);
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

  it('feeds the broadcaster from EventBridge price events and an SQS queue with partial batch failures', () => {
    const events = template.Resources.BroadcasterFunction?.Properties?.Events as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    const rule = Object.values(events).find((e) => e.Type === 'EventBridgeRule');
    expect(rule?.Properties.Pattern).toEqual({ source: [PRICE_SOURCE], 'detail-type': [PRICE_DETAIL_TYPE] });
    const sqs = Object.values(events).find((e) => e.Type === 'SQS');
    expect(sqs?.Properties).toMatchObject({
      Queue: { 'Fn::GetAtt': ['PriceQueue', 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // Lambda refuses a queue whose visibility timeout is shorter than the function's timeout.
    const visibility = Number(template.Resources.PriceQueue?.Properties?.VisibilityTimeout);
    expect(visibility).toBeGreaterThanOrEqual(Number(template.Globals?.Function?.Timeout));
  });

  it('routes UserNotification events to the notify function', () => {
    const events = template.Resources.NotifyFunction?.Properties?.Events as Record<
      string,
      { Type: string; Properties: { Pattern: unknown } }
    >;
    expect(Object.values(events)).toEqual([
      { Type: 'EventBridgeRule', Properties: { Pattern: { 'detail-type': ['UserNotification'] } } },
    ]);
  });

  it('reads the authorizer token from the query string, as the authorizer function does', () => {
    expect(template.Resources.ConnectAuthorizer?.Properties?.IdentitySource).toEqual([
      'route.request.querystring.token',
    ]);
  });
});

describe('the template checks themselves', () => {
  it('catch a missing route, a two-way route without a response, a wrong permission and TTL off', () => {
    const broken = structuredClone(template);
    delete broken.Resources.UnsubscribeRoute;
    delete broken.Resources.SubscribeRouteResponse;
    const policies = broken.Resources.BroadcasterFunction?.Properties?.Policies as Array<{
      Statement: Array<{ Resource: unknown }>;
    }>;
    const statement = policies[1]?.Statement[0] as { Resource: unknown };
    // Not scoped to the stage and @connections any more.
    statement.Resource = { 'Fn::Sub': `arn:aws:execute-api:eu-west-1:123456789012:$\{WebSocketApi}/*` };
    (broken.Resources.ConnectionsTable?.Properties?.TimeToLiveSpecification as { Enabled: boolean }).Enabled =
      false;
    const problems = webSocketTemplateProblems(broken, {
      routeKeys: app.routeKeys,
      connectAuthorization: 'lambda',
      codeRoot: root,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'route unsubscribe: no AWS::ApiGatewayV2::Route',
        'SubscribeRoute: no AWS::ApiGatewayV2::RouteResponse with RouteResponseKey $default',
        expect.stringMatching(
          /^BroadcasterFunction: no policy statement allowing execute-api:ManageConnections/,
        ),
        'ConnectionsTable: TimeToLiveSpecification must enable expiresAt',
      ]),
    );
    expect(referenceProblems(broken)).toEqual(
      expect.arrayContaining([
        'Deployment: DependsOn UnsubscribeRoute',
        'UnsubscribeRouteResponse.Properties.RouteId: Ref UnsubscribeRoute',
      ]),
    );
  });
});
