import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ENTRY, sampleApp, synth } from './synth.js';

// Expected values come from AWS's documentation: ManageConnections ARNs are
// arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/@connections/{connectionId}
// (API Gateway developer guide, "Use @connections commands in your backend service"); a two-way
// route has RouteResponseSelectionExpression $default and a $default route response.
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The route keys of the template, and the keys of the routes that have a route response. */
function routesOf(resources: Resources) {
  const routes = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route');
  const keyOf = new Map(routes.map(([id, r]) => [id, r.Properties.RouteKey as string]));
  const responses = Object.values(resources)
    .filter((r) => r.Type === 'AWS::ApiGatewayV2::RouteResponse')
    .map((r) => {
      expect(r.Properties.RouteResponseKey).toBe('$default');
      return keyOf.get((r.Properties.RouteId as { Ref: string }).Ref);
    });
  const selecting = routes
    .filter(([, r]) => r.Properties.RouteResponseSelectionExpression === '$default')
    .map(([, r]) => r.Properties.RouteKey);
  return { keys: [...keyOf.values()].sort(), twoWay: responses.sort(), selecting: selecting.sort() };
}

/** The logical id of the role a function runs as. */
function roleOf(resources: Resources, functionId: string): string {
  const role = resources[functionId]?.Properties.Role as { 'Fn::GetAtt': string[] } | undefined;
  return role?.['Fn::GetAtt'][0] ?? '';
}

/** Every statement of every inline policy attached to the role a function runs as. */
function statementsOf(resources: Resources, functionId: string) {
  const roleId = roleOf(resources, functionId);
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => (r.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref === roleId))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: unknown[] }).Statement);
}

const connectionsArn = (method: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      `:execute-api:${REGION}:${ACCOUNT}:`,
      { Ref: expect.stringMatching(/^ChatApi/) },
      `/prod/${method}/@connections/*`,
    ],
  ],
});

function findOne(resources: Resources, type: string, match: (id: string) => boolean = () => true) {
  const found = Object.entries(resources).filter(([id, r]) => r.Type === type && match(id));
  expect(found).toHaveLength(1);
  return found[0] as [string, Resources[string]];
}

describe('WsappWebSocketApi', { timeout: 60_000 }, () => {
  const full = synth({
    sessions: true,
    fanOut: { entry: ENTRY, maxConcurrency: 4 },
    connectAuthorizer: { entry: ENTRY, identitySource: ['route.request.querystring.token'] },
  });
  const resources = full.template.toJSON().Resources as Resources;
  const [appFunctionId] = findOne(resources, 'AWS::Lambda::Function', (id) =>
    id.startsWith('ChatAppFunction'),
  );

  it('creates exactly the routes the app declares, and route responses for exactly its two-way routes', () => {
    const app = sampleApp();
    const { keys, twoWay, selecting } = routesOf(resources);
    expect(keys).toEqual([...new Set(['$connect', '$disconnect', ...app.routeKeys])].sort());
    expect(twoWay).toEqual([...app.twoWayRouteKeys].sort());
    expect(selecting).toEqual([...app.twoWayRouteKeys].sort());
    expect(twoWay).not.toContain('typing'); // declared one-way
  });

  it('authorizes $connect only, with a Lambda REQUEST authorizer on the given identity source', () => {
    const [authorizerId, authorizer] = findOne(resources, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      IdentitySource: ['route.request.querystring.token'],
    });
    for (const route of Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')) {
      if (route.Properties.RouteKey === '$connect') {
        expect(route.Properties).toMatchObject({
          AuthorizationType: 'CUSTOM',
          AuthorizerId: { Ref: authorizerId },
        });
      } else expect(route.Properties.AuthorizationType).toBe('NONE');
    }
  });

  it('deploys every change: one stage with AutoDeploy, throttling and access logs, no separate deployment', () => {
    const [, stage] = findOne(resources, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties).toMatchObject({
      StageName: 'prod',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/^ChatAccessLogs/), 'Arn'] },
      },
    });
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Deployment')).toEqual([]);
    // Without the account's CloudWatch role, a WebSocket stage with logging fails to deploy.
    findOne(resources, 'AWS::ApiGateway::Account');
  });

  it('runs the function on nodejs24.x, ARM64, with the environment wsapp reads and no secret in it', () => {
    const fn = resources[appFunctionId]?.Properties as Record<string, unknown>;
    expect(fn).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 29,
      Handler: 'index.handler',
    });
    const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(env).sort()).toEqual(
      ['FANOUT_QUEUE_URL', 'NODE_OPTIONS', 'SESSION_SECRET_ARN', 'STORE', 'TABLE_NAME', 'WS_ENDPOINT'].sort(),
    );
    expect(env).toMatchObject({
      STORE: 'dynamodb',
      TABLE_NAME: { Ref: expect.stringMatching(/^ChatConnectionsTable/) },
      SESSION_SECRET_ARN: { Ref: expect.stringMatching(/^ChatSessionSecret/) },
      WS_ENDPOINT: {
        'Fn::Join': [
          '',
          [
            'https://',
            { Ref: expect.stringMatching(/^ChatApi/) },
            `.execute-api.${REGION}.`,
            { Ref: 'AWS::URLSuffix' },
            '/prod',
          ],
        ],
      },
    });
    const [, secret] = findOne(resources, 'AWS::SecretsManager::Secret');
    expect(secret.Properties).not.toHaveProperty('SecretString'); // generated by Secrets Manager, never in the template
  });

  it('creates the table @wsapp/store-dynamodb expects: pk/sk strings, on demand, TTL on expiresAt, PITR off by default', () => {
    full.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
    });
    synth({ store: { kind: 'dynamodb', pointInTimeRecovery: true } }).template.hasResourceProperties(
      'AWS::DynamoDB::Table',
      {
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    );
  });

  it('grants the app function exactly what it uses, each on its own resource (least privilege)', () => {
    const statements = statementsOf(resources, appFunctionId);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ChatAppLogs/), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:ConditionCheckItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ChatConnectionsTable/), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: { Ref: expect.stringMatching(/^ChatSessionSecret/) },
      },
      {
        Effect: 'Allow',
        Action: 'execute-api:ManageConnections',
        Resource: [connectionsArn('POST'), connectionsArn('GET'), connectionsArn('DELETE')],
      },
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ChatFanOutQueue/), 'Arn'] },
      },
    ]);
    // No managed policy (AWSLambdaBasicExecutionRole would allow writing to any log group).
    const roleId = roleOf(resources, appFunctionId);
    expect(resources[roleId]?.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('gives the authorizer no grant beyond its own logs', () => {
    const [authorizerFunctionId] = findOne(resources, 'AWS::Lambda::Function', (id) =>
      id.startsWith('ChatAuthorizerFunction'),
    );
    expect(statementsOf(resources, authorizerFunctionId)).toEqual([
      expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
    ]);
  });

  it('fans out over SQS: worker with partial batch responses and a bound concurrency, DLQ, visibility ≥ 6× timeout', () => {
    const [queueId, queue] = findOne(resources, 'AWS::SQS::Queue', (id) => id.startsWith('ChatFanOutQueue'));
    const [dlqId] = findOne(resources, 'AWS::SQS::Queue', (id) => id.startsWith('ChatFanOutDeadLetterQueue'));
    expect(queue.Properties).toMatchObject({
      VisibilityTimeout: 6 * 29,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
    });
    const [, mapping] = findOne(resources, 'AWS::Lambda::EventSourceMapping');
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: expect.stringMatching(/^ChatFanOutWorkerFunction/) },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 4 },
    });
    expect(() => synth({ fanOut: { entry: ENTRY, maxConcurrency: 1 } })).toThrow(/2 to 1,000/);
  });

  it('alarms on execution errors (5xx), function errors, throttles and the dead-letter queue', () => {
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const metrics = alarms.map((a) => `${a.Properties.Namespace}/${a.Properties.MetricName}`).sort();
    expect(metrics).toEqual(
      [
        'AWS/ApiGateway/ExecutionError',
        'AWS/Lambda/Errors', // app
        'AWS/Lambda/Errors', // worker
        'AWS/Lambda/Errors', // authorizer
        'AWS/Lambda/Throttles',
        'AWS/Lambda/Throttles',
        'AWS/Lambda/Throttles',
        'AWS/SQS/ApproximateNumberOfMessagesVisible',
      ].sort(),
    );
    const execution = alarms.find((a) => a.Properties.MetricName === 'ExecutionError');
    expect(execution?.Properties.Dimensions).toEqual([
      { Name: 'ApiId', Value: { Ref: expect.stringMatching(/^ChatApi/) } },
      { Name: 'Stage', Value: 'prod' },
    ]);
    const notified = synth({}, (stack) => ({ alarms: { topic: new Topic(stack, 'Ops') } })).template;
    notified.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionError',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Ops') }],
    });
  });

  it('maps a custom domain with a base path (CfnDomainName + ApiMapping) and its alias record', () => {
    const { template, construct } = synth({}, (stack) => ({
      domain: {
        domainName: 'ws.example.com',
        basePath: 'chat',
        certificate: Certificate.fromCertificateArn(
          stack,
          'Cert',
          `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/abc`,
        ),
        hostedZone: HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
          hostedZoneId: 'Z1',
          zoneName: 'example.com',
        }),
      },
    }));
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'ws.example.com',
      DomainNameConfigurations: [
        { EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2', CertificateArn: Match.anyValue() },
      ],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { ApiMappingKey: 'chat', Stage: 'prod' });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'ws.example.com.', Type: 'A' });
    expect(construct.url).toBe('wss://ws.example.com/chat');
  });

  it('uses a given Redis instead of the table: plain URL, or a secret read at run time', () => {
    const plain = synth({ store: { kind: 'redis', url: 'rediss://cache.internal:6379' } }).template;
    plain.resourceCountIs('AWS::DynamoDB::Table', 0);
    plain.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ STORE: 'redis', REDIS_URL: 'rediss://cache.internal:6379' }),
      },
    });
    const secret = synth({}, (stack) => ({
      store: {
        kind: 'redis',
        urlSecret: Secret.fromSecretCompleteArn(
          stack,
          'Url',
          `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:redis-AbCdEf`,
        ),
      },
    }));
    const res = secret.template.toJSON().Resources as Resources;
    const [fnId, fn] = findOne(res, 'AWS::Lambda::Function', (id) => id.startsWith('ChatAppFunction'));
    expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      STORE: 'redis',
      REDIS_URL_SECRET_ARN: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:redis-AbCdEf`,
    });
    expect(statementsOf(res, fnId)).toContainEqual({
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:redis-AbCdEf`,
    });
    expect(() => synth({ store: { kind: 'redis' } })).toThrow(/exactly one of url and urlSecret/);
  });

  it('refuses what API Gateway or Lambda would refuse, at synth, with a clear message', () => {
    expect(() => synth({ runtime: Runtime.NODEJS_20_X })).toThrow(
      /nodejs20.x is deprecated by AWS Lambda; use nodejs24.x/,
    );
    expect(() => synth({ runtime: Runtime.PYTHON_3_13 })).toThrow(/needs a Node.js runtime/);
    expect(() => synth({ runtime: new Runtime('nodejs26.x', RuntimeFamily.NODEJS) })).toThrow(
      /nodejs26.x is not one wsapp is tested on yet; use nodejs24.x or nodejs22.x/,
    );
    expect(() => synth({ routes: { routeKeys: ['$connect'], twoWayRouteKeys: ['$connect'] } })).toThrow(
      /cannot be two-way/,
    );
    expect(() => synth({ routes: { routeKeys: ['a'], twoWayRouteKeys: ['b'] } })).toThrow(
      /two-way route b is not among routeKeys/,
    );
    expect(() => synth({ routes: { routeKeys: ['$custom'], twoWayRouteKeys: [] } })).toThrow(
      /only \$connect/,
    );
    expect(() =>
      synth({ connectAuthorizer: { identitySource: ['route.request.querystring.token'] } }),
    ).toThrow(/exactly one of entry and function/);
    // nodejs22.x is accepted.
    synth({ runtime: Runtime.NODEJS_22_X, timeout: Duration.seconds(10) }).template.hasResourceProperties(
      'AWS::Lambda::Function',
      {
        Runtime: 'nodejs22.x',
      },
    );
  });

  it('passes cdk-nag AwsSolutions; every acknowledged finding carries its reason', () => {
    const report = new AwsSolutionsChecks(full.app).validateScope(full.app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });

  it('reports an unauthenticated $connect to cdk-nag when no authorizer is given (not silenced)', () => {
    const open = synth();
    const report = new AwsSolutionsChecks(open.app).validateScope(open.app);
    expect(
      report.violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.constructPath)]),
    ).toEqual([['AwsSolutions-APIG4', ['Test/Chat/Api/$connect-Route/Resource']]]);
  });
});
