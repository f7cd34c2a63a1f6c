import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { isRef, type Resource, resourcesOfType, subTemplate, type Template } from './cloudformation.js';
import { esbuildTarget, runtimeProblem } from './runtimes.js';
import { secretEnvironmentProblems } from './secret-environment.js';

/** What a wsapp WebSocket deploy template must provide (see {@link webSocketTemplateProblems}). */
export interface WebSocketTemplateExpectations {
  /** The app's `routeKeys`; `$connect`, `$disconnect` and `$default` are required anyway. */
  routeKeys: readonly string[];
  /**
   * The app's `twoWayRouteKeys`: exactly these routes get a `$default` route response (and
   * `RouteResponseSelectionExpression: $default`); every other route has none, so API Gateway
   * drops its answers, as the emulator does.
   */
  twoWayRouteKeys: readonly string[];
  /** `lambda`: `$connect` has a Lambda REQUEST authorizer; `none`: `AuthorizationType: NONE`. */
  connectAuthorization: 'lambda' | 'none';
  /** The directory the template's `CodeUri: .` and esbuild entry points are relative to. */
  codeRoot: URL;
}

const SERVERLESS_FUNCTION = 'AWS::Serverless::Function';
const BUILT_IN_ROUTES = ['$connect', '$disconnect', '$default'];
/** `${name}` as a `Fn::Sub` variable. */
const v = (name: string) => `$\{${name}}`;
// ARNs and hosts are built from the stack's partition (`arn:aws-cn:…`, `amazonaws.com.cn` in China,
// and so on): a literal `arn:aws:` or `amazonaws.com` is refused.
const ACCOUNT_ARN = `arn:${v('AWS::Partition')}:execute-api:${v('AWS::Region')}:${v('AWS::AccountId')}`;

/** A `Fn::Sub` ARN template as written. */
function arnTemplate(value: unknown): string | undefined {
  return subTemplate(value);
}
const manageConnectionsArn = (api: string) =>
  `${ACCOUNT_ARN}:${v(api)}/${v('StageName')}/POST/@connections/*`;
const endpointUrl = (api: string) =>
  `https://${v(api)}.execute-api.${v('AWS::Region')}.${v('AWS::URLSuffix')}/${v('StageName')}`;

type Problems = string[];

/**
 * Everything a SAM template for a wsapp WebSocket API gets wrong, as readable lines (empty when
 * it is right), checked against the app's own declaration (`app.routeKeys`,
 * `app.twoWayRouteKeys`), so a route added to the app and forgotten in the template fails a test.
 *
 * Checked: one `WEBSOCKET` API routing on `$request.body.action`; a route, an `AWS_PROXY`
 * integration and an invoke permission for every route the app declares (and no other); route
 * responses for exactly the two-way routes; authorization on `$connect` only; one `AutoDeploy` stage
 * on `!Ref StageName`; nodejs24.x/nodejs22.x functions only (nodejs20.x and older refused as
 * deprecated), built by esbuild from an existing entry point the way the CDK construct bundles
 * (`Format: cjs`, `Target: node<runtime major>`, `External: ["@aws-sdk/*"]`,
 * `Supported: ["dynamic-import=false"]`); `execute-api:ManageConnections`, `TABLE_NAME` and
 * `WS_ENDPOINT` on every function that sends; the DynamoDB table layout every store expects
 * (`pk`/`sk`, TTL on `expiresAt`, on demand), the `StoreBackend`/`RedisUrlArn` parameters of
 * the wsapp examples, and no secret in any environment ({@link secretEnvironmentProblems}).
 * Schemas, references and the `Transform` are AWS CloudFormation Validate's job
 * ({@link validateTemplate}).
 *
 * @example
 * ```ts
 * import { loadTemplate, validateTemplate, webSocketTemplateProblems } from '@wsapp/testing/sam';
 *
 * const root = new URL('../', import.meta.url);
 * const template = loadTemplate(new URL('template.yaml', root));
 * expect(validateTemplate(new URL('template.yaml', root))).toEqual([]);
 * expect(
 *   webSocketTemplateProblems(template, {
 *     routeKeys: app.routeKeys,
 *     twoWayRouteKeys: app.twoWayRouteKeys,
 *     connectAuthorization: 'lambda',
 *     codeRoot: root,
 *   }),
 * ).toEqual([]);
 * ```
 */
export function webSocketTemplateProblems(t: Template, expected: WebSocketTemplateExpectations): Problems {
  const problems: Problems = [];

  const apis = resourcesOfType(t, 'AWS::ApiGatewayV2::Api');
  if (apis.length !== 1) return [...problems, `expected one AWS::ApiGatewayV2::Api, found ${apis.length}`];
  const api = apis[0] as string;
  const apiProps = props(t, api);
  if (apiProps.ProtocolType !== 'WEBSOCKET') problems.push(`${api}: ProtocolType must be WEBSOCKET`);
  if (apiProps.RouteSelectionExpression !== '$request.body.action') {
    problems.push(`${api}: RouteSelectionExpression must be $request.body.action`);
  }

  const integrationFunctions = new Set<string>();
  const routes = routesByKey(t, api, problems);
  const wanted = new Set([...BUILT_IN_ROUTES, ...expected.routeKeys]);
  for (const key of wanted) {
    const route = routes.get(key);
    if (route === undefined) {
      problems.push(`route ${key}: no AWS::ApiGatewayV2::Route`);
      continue;
    }
    const fn = integrationFunction(t, api, route, problems);
    if (fn !== undefined) integrationFunctions.add(fn);
    checkAuthorization(t, api, key, route, expected, problems);
    if (key === '$connect' || key === '$disconnect') checkNoRouteResponse(t, key, route, problems);
    else if (expected.twoWayRouteKeys.includes(key)) checkTwoWay(t, api, key, route, problems);
    else checkNoRouteResponse(t, key, route, problems);
  }
  for (const key of routes.keys()) {
    if (!wanted.has(key)) problems.push(`route ${key}: the app declares no such route`);
  }
  checkStage(t, api, problems);

  const authorizers = authorizerFunctions(t);
  for (const fn of [...integrationFunctions, ...authorizers]) checkInvokePermission(t, api, fn, problems);
  for (const fn of resourcesOfType(t, SERVERLESS_FUNCTION)) {
    checkFunctionBuild(t, fn, expected.codeRoot, problems);
    if (!authorizers.has(fn)) checkMessagingFunction(t, api, fn, problems);
  }
  checkStore(t, problems);
  problems.push(...secretEnvironmentProblems(t));
  return problems;
}

function props(t: Template, id: string): Record<string, unknown> {
  return t.Resources[id]?.Properties ?? {};
}

/** Route logical ids by route key; each must belong to the API. */
function routesByKey(t: Template, api: string, problems: Problems): Map<string, string> {
  const routes = new Map<string, string>();
  for (const id of resourcesOfType(t, 'AWS::ApiGatewayV2::Route')) {
    const p = props(t, id);
    if (!isRef(p.ApiId, api)) problems.push(`${id}: ApiId must be !Ref ${api}`);
    const key = String(p.RouteKey);
    if (routes.has(key)) problems.push(`route ${key}: declared twice`);
    routes.set(key, id);
  }
  return routes;
}

/** The function behind a route: Target `integrations/${I}`, I an AWS_PROXY integration to `${F.Arn}`. */
function integrationFunction(
  t: Template,
  api: string,
  route: string,
  problems: Problems,
): string | undefined {
  const target = subTemplate(props(t, route).Target);
  const integration = target?.match(/^integrations\/\$\{([A-Za-z0-9]+)\}$/)?.[1];
  if (integration === undefined || t.Resources[integration]?.Type !== 'AWS::ApiGatewayV2::Integration') {
    problems.push(`${route}: Target must be !Sub integrations/\${<an AWS::ApiGatewayV2::Integration>}`);
    return undefined;
  }
  const p = props(t, integration);
  if (!isRef(p.ApiId, api)) problems.push(`${integration}: ApiId must be !Ref ${api}`);
  if (p.IntegrationType !== 'AWS_PROXY') problems.push(`${integration}: IntegrationType must be AWS_PROXY`);
  return lambdaInvocationTarget(t, integration, p.IntegrationUri, problems);
}

/** `arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${F.Arn}/invocations` → F. */
function lambdaInvocationTarget(
  t: Template,
  id: string,
  uri: unknown,
  problems: Problems,
): string | undefined {
  const text = arnTemplate(uri) ?? '';
  const fn = text.match(
    /^arn:\$\{AWS::Partition\}:apigateway:\$\{AWS::Region\}:lambda:path\/2015-03-31\/functions\/\$\{([A-Za-z0-9]+)\.Arn\}\/invocations$/,
  )?.[1];
  if (fn === undefined || t.Resources[fn]?.Type !== SERVERLESS_FUNCTION) {
    problems.push(
      `${id}: the URI must invoke a function of this template (…/functions/\${Fn.Arn}/invocations)`,
    );
    return undefined;
  }
  return fn;
}

function checkAuthorization(
  t: Template,
  api: string,
  key: string,
  route: string,
  expected: WebSocketTemplateExpectations,
  problems: Problems,
): void {
  const p = props(t, route);
  const type = p.AuthorizationType ?? 'NONE';
  if (key !== '$connect' || expected.connectAuthorization === 'none') {
    // API Gateway authorizes WebSocket connections on $connect only.
    if (type !== 'NONE') problems.push(`${route}: AuthorizationType must be NONE`);
    return;
  }
  const authorizer = (p.AuthorizerId as { Ref?: string } | undefined)?.Ref;
  if (type !== 'CUSTOM' || authorizer === undefined) {
    problems.push(`${route}: $connect needs AuthorizationType CUSTOM and AuthorizerId !Ref <authorizer>`);
    return;
  }
  const a = t.Resources[authorizer];
  if (a?.Type !== 'AWS::ApiGatewayV2::Authorizer') {
    problems.push(`${route}: ${authorizer} is not an AWS::ApiGatewayV2::Authorizer`);
    return;
  }
  const ap = a.Properties ?? {};
  if (ap.AuthorizerType !== 'REQUEST') problems.push(`${authorizer}: AuthorizerType must be REQUEST`);
  if (!isRef(ap.ApiId, api)) problems.push(`${authorizer}: ApiId must be !Ref ${api}`);
  if (!Array.isArray(ap.IdentitySource) || ap.IdentitySource.length === 0) {
    problems.push(`${authorizer}: IdentitySource is required`);
  }
  lambdaInvocationTarget(t, authorizer, ap.AuthorizerUri, problems);
}

/** Functions invoked by an AWS::ApiGatewayV2::Authorizer. */
function authorizerFunctions(t: Template): Set<string> {
  const found = new Set<string>();
  for (const id of resourcesOfType(t, 'AWS::ApiGatewayV2::Authorizer')) {
    const fn = lambdaInvocationTarget(t, id, props(t, id).AuthorizerUri, []);
    if (fn !== undefined) found.add(fn);
  }
  return found;
}

/** A two-way route: `RouteResponseSelectionExpression: $default` and a `$default` route response. */
function checkTwoWay(t: Template, api: string, key: string, route: string, problems: Problems): void {
  if (props(t, route).RouteResponseSelectionExpression !== '$default') {
    problems.push(`${route}: RouteResponseSelectionExpression must be $default (two-way route ${key})`);
  }
  const responses = resourcesOfType(t, 'AWS::ApiGatewayV2::RouteResponse').filter((id) =>
    isRef(props(t, id).RouteId, route),
  );
  const ok = responses.some(
    (id) => props(t, id).RouteResponseKey === '$default' && isRef(props(t, id).ApiId, api),
  );
  if (!ok) problems.push(`${route}: no AWS::ApiGatewayV2::RouteResponse with RouteResponseKey $default`);
}

/** A one-way route (or `$connect`/`$disconnect`): no route response, no response selection. */
function checkNoRouteResponse(t: Template, key: string, route: string, problems: Problems): void {
  if (props(t, route).RouteResponseSelectionExpression !== undefined) {
    problems.push(`${route}: one-way route ${key} must have no RouteResponseSelectionExpression`);
  }
  const responses = resourcesOfType(t, 'AWS::ApiGatewayV2::RouteResponse').filter((id) =>
    isRef(props(t, id).RouteId, route),
  );
  for (const id of responses) {
    problems.push(
      `${id}: one-way route ${key} must have no route response (the app does not declare it twoWay)`,
    );
  }
}

/**
 * One stage on the API, on `!Ref StageName`, with `AutoDeploy: true`: every change to the routes is
 * deployed. (A separate `AWS::ApiGatewayV2::Deployment` is created once and never again while its
 * logical id stays the same, so a stack update would leave changed routes undeployed.)
 */
function checkStage(t: Template, api: string, problems: Problems): void {
  const stages = resourcesOfType(t, 'AWS::ApiGatewayV2::Stage').filter((id) =>
    isRef(props(t, id).ApiId, api),
  );
  if (stages.length !== 1) {
    problems.push(`expected one AWS::ApiGatewayV2::Stage on ${api}, found ${stages.length}`);
    return;
  }
  const stage = stages[0] as string;
  if (props(t, stage).AutoDeploy !== true) {
    problems.push(`${stage}: AutoDeploy must be true, so a stack update deploys changed routes`);
  }
  if (props(t, stage).DeploymentId !== undefined) {
    problems.push(`${stage}: no DeploymentId with AutoDeploy (API Gateway manages the deployments)`);
  }
  if (!isRef(props(t, stage).StageName, 'StageName'))
    problems.push(`${stage}: StageName must be !Ref StageName`);
}

/** API Gateway may invoke the function: an AWS::Lambda::Permission scoped to this API. */
function checkInvokePermission(t: Template, api: string, fn: string, problems: Problems): void {
  const ok = resourcesOfType(t, 'AWS::Lambda::Permission').some((id) => {
    const p = props(t, id);
    const source = arnTemplate(p.SourceArn) ?? '';
    return (
      isRef(p.FunctionName, fn) &&
      p.Principal === 'apigateway.amazonaws.com' &&
      p.Action === 'lambda:InvokeFunction' &&
      source.startsWith(`${ACCOUNT_ARN}:${v(api)}/`)
    );
  });
  if (!ok) problems.push(`${fn}: no AWS::Lambda::Permission letting ${api} invoke it`);
}

function functionSetting(t: Template, fn: string, name: string): unknown {
  return props(t, fn)[name] ?? t.Globals?.Function?.[name];
}

/**
 * nodejs24.x or nodejs22.x; esbuild from an existing entry point with the CDK construct's bundling
 * (see {@link webSocketTemplateProblems}); a Handler naming that entry point's output.
 */
function checkFunctionBuild(t: Template, fn: string, codeRoot: URL, problems: Problems): void {
  const runtime = String(functionSetting(t, fn, 'Runtime'));
  const refused = runtimeProblem(runtime);
  if (refused !== undefined) problems.push(`${fn}: ${refused}`);
  const metadata = (t.Resources[fn] as Resource).Metadata ?? {};
  if (metadata.BuildMethod !== 'esbuild') problems.push(`${fn}: Metadata.BuildMethod must be esbuild`);
  const entries = (metadata.BuildProperties as { EntryPoints?: unknown } | undefined)?.EntryPoints;
  const entry = Array.isArray(entries) && typeof entries[0] === 'string' ? entries[0] : undefined;
  if (entry === undefined) {
    problems.push(`${fn}: Metadata.BuildProperties.EntryPoints is required`);
    return;
  }
  checkBundling(fn, metadata.BuildProperties as Record<string, unknown>, runtime, problems);
  const codeUri = String(props(t, fn).CodeUri ?? '.');
  if (!existsSync(new URL(`${codeUri}/${entry}`, codeRoot)))
    problems.push(`${fn}: entry point ${entry} does not exist`);
  const handler = `${basename(entry, extname(entry))}.handler`;
  if (props(t, fn).Handler !== handler) problems.push(`${fn}: Handler must be ${handler}`);
}

/**
 * The bundle the CDK construct makes: CommonJS, for the runtime's Node.js, the runtime's AWS SDK
 * left out and reached by `require()` (NODE_PATH), never by `import()`.
 */
function checkBundling(
  fn: string,
  build: Record<string, unknown>,
  runtime: string,
  problems: Problems,
): void {
  const at = `${fn}: Metadata.BuildProperties`;
  if (build.Format !== 'cjs') problems.push(`${at}.Format must be cjs`);
  const target = esbuildTarget(runtime);
  if (target !== undefined && build.Target !== target) {
    problems.push(`${at}.Target must be ${target} (the ${runtime} runtime's Node.js)`);
  }
  if (![build.External ?? []].flat().includes('@aws-sdk/*')) {
    problems.push(`${at}.External must include @aws-sdk/* (the runtime provides the SDK)`);
  }
  if (![build.Supported ?? []].flat().includes('dynamic-import=false')) {
    problems.push(
      `${at}.Supported must include dynamic-import=false: the runtime's SDK is on NODE_PATH, which require() reads and import() does not`,
    );
  }
}

/** A function that sends: ManageConnections on this API's stage, TABLE_NAME and WS_ENDPOINT. */
function checkMessagingFunction(t: Template, api: string, fn: string, problems: Problems): void {
  const policies = props(t, fn).Policies;
  const statements = (Array.isArray(policies) ? policies : [])
    .flatMap((policy) => (policy as { Statement?: unknown }).Statement ?? [])
    .filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null);
  const manage = manageConnectionsArn(api);
  const ok = statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      [s.Action].flat().includes('execute-api:ManageConnections') &&
      arnTemplate(s.Resource) === manage,
  );
  if (!ok) problems.push(`${fn}: no policy statement allowing execute-api:ManageConnections on ${manage}`);
  const globalEnv = (t.Globals?.Function?.Environment as { Variables?: Record<string, unknown> } | undefined)
    ?.Variables;
  const ownEnv = (props(t, fn).Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
  const env = { ...globalEnv, ...ownEnv };
  if (!('TABLE_NAME' in env)) problems.push(`${fn}: environment variable TABLE_NAME missing`);
  const endpoint = endpointUrl(api);
  if (subTemplate(env.WS_ENDPOINT) !== endpoint) problems.push(`${fn}: WS_ENDPOINT must be !Sub ${endpoint}`);
}

/** The DynamoDB table every store adapter expects, and the Redis alternative. */
function checkStore(t: Template, problems: Problems): void {
  const tables = resourcesOfType(t, 'AWS::DynamoDB::Table');
  if (tables.length !== 1) {
    problems.push(`expected one AWS::DynamoDB::Table, found ${tables.length}`);
  } else {
    const table = tables[0] as string;
    const p = props(t, table);
    const keys = JSON.stringify(p.KeySchema);
    if (
      keys !==
      JSON.stringify([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ])
    ) {
      problems.push(`${table}: KeySchema must be pk (HASH), sk (RANGE)`);
    }
    const attributes = JSON.stringify(p.AttributeDefinitions);
    if (
      attributes !==
      JSON.stringify([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ])
    ) {
      problems.push(`${table}: pk and sk must be strings`);
    }
    if (p.BillingMode !== 'PAY_PER_REQUEST') problems.push(`${table}: BillingMode must be PAY_PER_REQUEST`);
    const ttl = p.TimeToLiveSpecification as { AttributeName?: unknown; Enabled?: unknown } | undefined;
    if (ttl?.AttributeName !== 'expiresAt' || ttl.Enabled !== true) {
      problems.push(`${table}: TimeToLiveSpecification must enable expiresAt`);
    }
  }
  const backend = t.Parameters?.StoreBackend;
  if (!backend?.AllowedValues?.includes('dynamodb') || !backend.AllowedValues.includes('redis')) {
    problems.push('Parameters.StoreBackend must allow dynamodb and redis');
  }
  if (t.Parameters?.RedisUrlArn === undefined)
    problems.push('Parameters.RedisUrlArn missing (the Redis URL is a secret)');
}
