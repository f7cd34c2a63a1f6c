import { MemoryConnectionStore } from '@wsapp/store-memory';
import { loadTemplate, validateTemplate, webSocketTemplateProblems } from '@wsapp/testing/sam';
import { describe, expect, it } from 'vitest';
import { createTickerApp } from '../src/app.js';
import { PRICE_DETAIL_TYPE, PRICE_SOURCE } from '../src/prices.js';

// Nothing can be deployed from here: these tests check the template's structure instead.
const root = new URL('../', import.meta.url);
const template = loadTemplate(new URL('template.yaml', root));
const app = createTickerApp({ store: new MemoryConnectionStore() });

describe('ticker template.yaml', () => {
  it('has a route, an integration and a permission for every route the app declares', () => {
    expect(app.routeKeys.sort()).toEqual(['$connect', '$default', 'heartbeat', 'subscribe', 'unsubscribe']);
    expect(app.twoWayRouteKeys.sort()).toEqual(['$default', 'heartbeat', 'subscribe', 'unsubscribe']);
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

  it('declares the fan-out path: queue with a DLQ, a worker with partial batch responses and a maximum concurrency', () => {
    const fanOutQueue = template.Resources.FanOutQueue?.Properties as Record<string, unknown>;
    expect(fanOutQueue.RedrivePolicy).toMatchObject({
      deadLetterTargetArn: { 'Fn::GetAtt': ['FanOutDeadLetterQueue', 'Arn'] },
      maxReceiveCount: expect.any(Number),
    });
    expect(template.Resources.FanOutDeadLetterQueue?.Type).toBe('AWS::SQS::Queue');
    const worker = template.Resources.FanOutWorkerFunction?.Properties as Record<string, unknown>;
    const events = Object.values(
      worker.Events as Record<string, { Type: string; Properties: Record<string, unknown> }>,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      Type: 'SQS',
      Properties: {
        Queue: { 'Fn::GetAtt': ['FanOutQueue', 'Arn'] },
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      },
    });
    // Lambda's SQS scaling: MaximumConcurrency is 2 to 1,000.
    const scaling = events[0]?.Properties.ScalingConfig as { MaximumConcurrency: number } | undefined;
    const concurrency = Number(scaling?.MaximumConcurrency);
    expect(concurrency).toBeGreaterThanOrEqual(2);
    expect(concurrency).toBeLessThanOrEqual(1000);
    // Workers together stay under the account's 10,000 management calls per second.
    const rate = Number((worker.Environment as { Variables: Record<string, string> }).Variables.FANOUT_RATE);
    expect(rate * concurrency).toBeLessThanOrEqual(10_000);
    // AWS: the queue's visibility timeout at least six times the function's timeout.
    expect(Number(fanOutQueue.VisibilityTimeout)).toBeGreaterThanOrEqual(6 * Number(worker.Timeout));
    // The worker re-enqueues remainders and the broadcaster enqueues plans: both may send.
    for (const name of ['FanOutWorkerFunction', 'BroadcasterFunction']) {
      const policies = template.Resources[name]?.Properties?.Policies as Array<Record<string, unknown>>;
      expect(policies).toContainEqual({
        SQSSendMessagePolicy: { QueueName: { 'Fn::GetAtt': ['FanOutQueue', 'QueueName'] } },
      });
    }
    const broadcasterEnv = template.Resources.BroadcasterFunction?.Properties?.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(broadcasterEnv.Variables.FANOUT_QUEUE_URL).toEqual({ Ref: 'FanOutQueue' });
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
      Statement?: Array<{ Action: unknown; Resource: unknown }>;
    }>;
    const statement = policies
      .flatMap((policy) => policy.Statement ?? [])
      .find((s) => s.Action === 'execute-api:ManageConnections') as { Resource: unknown };
    // Not scoped to the stage and @connections any more.
    statement.Resource = { 'Fn::Sub': `arn:aws:execute-api:eu-west-1:123456789012:$\{WebSocketApi}/*` };
    (broken.Resources.ConnectionsTable?.Properties?.TimeToLiveSpecification as { Enabled: boolean }).Enabled =
      false;
    const problems = webSocketTemplateProblems(broken, {
      routeKeys: app.routeKeys,
      twoWayRouteKeys: app.twoWayRouteKeys,
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
  });

  it('refuse a deprecated runtime and a stage that would not deploy changed routes', () => {
    const broken = structuredClone(template);
    (broken.Globals?.Function as Record<string, unknown>).Runtime = 'nodejs20.x';
    delete broken.Resources.Stage?.Properties?.AutoDeploy;
    const problems = webSocketTemplateProblems(broken, {
      routeKeys: app.routeKeys,
      twoWayRouteKeys: app.twoWayRouteKeys,
      connectAuthorization: 'lambda',
      codeRoot: root,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'Stage: AutoDeploy must be true, so a stack update deploys changed routes',
        'WebSocketFunction: Runtime nodejs20.x is deprecated by AWS Lambda (nodejs20.x since 2026-04-30; older ones before): use nodejs24.x or nodejs22.x',
      ]),
    );
  });

  it('catch a route response on a route the app does not declare two-way', () => {
    const problems = webSocketTemplateProblems(template, {
      routeKeys: app.routeKeys,
      twoWayRouteKeys: app.twoWayRouteKeys.filter((key) => key !== 'unsubscribe'),
      connectAuthorization: 'lambda',
      codeRoot: root,
    });
    expect(problems).toEqual([
      'UnsubscribeRoute: one-way route unsubscribe must have no RouteResponseSelectionExpression',
      'UnsubscribeRouteResponse: one-way route unsubscribe must have no route response (the app does not declare it twoWay)',
    ]);
  });
});
