import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  type IWebSocketRouteAuthorizer,
  WebSocketApi,
  type WebSocketRouteOptions,
  WebSocketStage,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { accessLogs, type WsappAccessLogOptions } from './access-logs.js';
import { createAlarms, type WsappAlarmOptions, type WsappAlarms } from './alarms.js';
import { customDomain, type WsappCustomDomainOptions } from './custom-domain.js';
import { fanOutQueues, type WsappFanOutOptions } from './fan-out.js';
import { nagResourceName, suppressNag } from './nag.js';
import { type PlannedRoute, planRoutes, type WebSocketRoutes } from './routes.js';
import { WSAPP_ENV } from './runtime/environment.js';
import { connectionsTable, DYNAMODB_STORE_ACTIONS, type WsappStoreOptions } from './store.js';
import { WsappFunction, type WsappFunctionOptions, type WsappVpcOptions } from './wsapp-function.js';

/** The `$connect` Lambda REQUEST authorizer (API Gateway authorizes WebSocket connections there only). */
export interface WsappAuthorizerOptions {
  /** An entry file to bundle as the authorizer (with the app function's runtime and architecture). */
  readonly entry?: string;
  /** Or a function you created. Exactly one of `entry` and `function`. */
  readonly function?: IFunction;
  /**
   * Where the identity is read, e.g. `['route.request.querystring.token']` (browsers cannot set
   * headers on a WebSocket; a query parameter or `Sec-WebSocket-Protocol` carries the token).
   */
  readonly identitySource: string[];
}

/** Sessions and history: the key session tokens are signed with, held in Secrets Manager. */
export interface WsappSessionOptions {
  /**
   * The secret holding the key(s), comma-separated, the first one signs. Default: a new secret of 64
   * random letters and digits. The function gets only its ARN (`SESSION_SECRET_ARN`) and
   * `secretsmanager:GetSecretValue` on it, and reads it at run time with `secretReader`.
   */
  readonly secret?: ISecret;
}

/** Properties of {@link WsappWebSocketApi}. */
export interface WsappWebSocketApiProps extends WsappFunctionOptions {
  /**
   * The app's routes: the `WebSocketApp` itself (built at synth with a memory store; its module must
   * not connect or read the environment on import) or a manifest `{ routeKeys, twoWayRouteKeys }`.
   * Every declared route gets a route; two-way routes a `$default` route response; `$connect` and
   * `$disconnect` always exist (the store records connections there).
   */
  readonly routes: WebSocketRoutes;
  /** The API's name. Default: the construct's path. */
  readonly apiName?: string;
  /** Default `$request.body.action`, what `@wsapp/client` sends. */
  readonly routeSelectionExpression?: string;
  /** The `$connect` authorizer. Default: none (anyone may connect). */
  readonly connectAuthorizer?: WsappAuthorizerOptions;
  /** Default `prod`. */
  readonly stageName?: string;
  /** The stage's default route throttling. Default 500 requests/s, bursts of 1,000. */
  readonly throttle?: {
    /** Steady requests per second. */
    readonly rateLimit: number;
    /** Burst capacity. */
    readonly burstLimit: number;
  };
  /** Access logs of the stage. Default: on, kept one month. */
  readonly accessLogs?: WsappAccessLogOptions;
  /** Default: a DynamoDB table. */
  readonly store?: WsappStoreOptions;
  /** Run the functions in a VPC (for a Redis reachable only there). */
  readonly vpc?: WsappVpcOptions;
  /** Sessions and history (the session key in Secrets Manager). Default: off. */
  readonly sessions?: WsappSessionOptions | boolean;
  /** The SQS fan-out path and its worker. Default: off. */
  readonly fanOut?: WsappFanOutOptions;
  /** A custom domain with an optional base path. Default: none. */
  readonly domain?: WsappCustomDomainOptions;
  /** Alarms; `false` for none. Default: on, without notification target. */
  readonly alarms?: WsappAlarmOptions | false;
  /**
   * What `cdk destroy` does with the table, queues, log groups and session secret. Default
   * `DESTROY`: every item expires within hours, so tearing down leaves nothing behind to pay for.
   */
  readonly removalPolicy?: RemovalPolicy;
}

const DEFAULT_THROTTLE = { rateLimit: 500, burstLimit: 1000 };
/** The management API methods wsapp's `Messenger` calls: send (POST), look up (GET), disconnect (DELETE). */
const MANAGEMENT_METHODS = ['POST', 'GET', 'DELETE'] as const;

/**
 * Deploys a wsapp app: an API Gateway WebSocket API whose routes and route responses come from the
 * app's declaration, a stage that deploys every change (AutoDeploy) with throttling and access logs,
 * the function bundled by esbuild (nodejs24.x, ARM64), the store, and — when asked — the `$connect`
 * authorizer, the session secret, the fan-out queue with its worker and dead-letter queue, a custom
 * domain, and alarms. Every grant is scoped: `execute-api:ManageConnections` on this stage's
 * `@connections` only, the store's item actions on its table only, `GetSecretValue` on the session
 * secret only, each function's logs to its own log group only.
 *
 * @example
 * ```ts
 * const chat = createChatApp({ store: new MemoryConnectionStore(), sessions: { secret: 'x'.repeat(32) } });
 * new WsappWebSocketApi(stack, 'Chat', {
 *   routes: chat,                             // routeKeys + twoWayRouteKeys
 *   entry: 'deploy/websocket.ts',
 *   connectAuthorizer: { entry: 'deploy/authorizer.ts', identitySource: ['route.request.querystring.token'] },
 *   sessions: true,
 * });
 * ```
 */
export class WsappWebSocketApi extends Construct {
  /** The WebSocket API. */
  readonly api: WebSocketApi;
  /** The stage (AutoDeploy). */
  readonly stage: WebSocketStage;
  /** The routes created, from the app's declaration. */
  readonly routes: readonly PlannedRoute[];
  /** The function every route invokes. */
  readonly function: NodejsFunction;
  /** The `$connect` authorizer function, when one was bundled from `connectAuthorizer.entry`. */
  readonly authorizerFunction?: NodejsFunction;
  /** The connections table (`store.kind: 'dynamodb'`). */
  readonly table?: Table;
  /** The session secret (`sessions`). */
  readonly sessionSecret?: ISecret;
  /** The fan-out queue (`fanOut`). */
  readonly fanOutQueue?: Queue;
  /** The fan-out dead-letter queue (`fanOut`). */
  readonly deadLetterQueue?: Queue;
  /** The fan-out worker (`fanOut`). */
  readonly fanOutWorker?: NodejsFunction;
  /** The alarms (unless `alarms: false`). */
  readonly alarms?: WsappAlarms;
  /** `wss://…` clients connect to: the custom domain's when there is one. */
  readonly url: string;
  /** The management endpoint the functions get as `WS_ENDPOINT` (the stage's `@connections` base). */
  readonly callbackUrl: string;

  constructor(scope: Construct, id: string, props: WsappWebSocketApiProps) {
    super(scope, id);
    this.routes = planRoutes(props.routes);
    const stageName = props.stageName ?? 'prod';
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const store = props.store ?? { kind: 'dynamodb' };

    const environment: Record<string, string> = { ...props.environment, [WSAPP_ENV.store]: store.kind };
    const grants: PolicyStatement[] = [];
    if (store.kind === 'dynamodb') {
      this.table = connectionsTable(this, store, removalPolicy);
      environment[WSAPP_ENV.tableName] = this.table.tableName;
      grants.push(
        new PolicyStatement({ actions: [...DYNAMODB_STORE_ACTIONS], resources: [this.table.tableArn] }),
      );
    } else {
      if ((store.url === undefined) === (store.urlSecret === undefined)) {
        throw new TypeError('store: a redis store needs exactly one of url and urlSecret');
      }
      if (store.url !== undefined) environment[WSAPP_ENV.redisUrl] = store.url;
      if (store.urlSecret !== undefined) {
        environment[WSAPP_ENV.redisUrlSecretArn] = store.urlSecret.secretArn;
        grants.push(...readSecret(store.urlSecret));
      }
    }
    if (props.sessions) {
      const given = typeof props.sessions === 'object' ? props.sessions.secret : undefined;
      this.sessionSecret = given ?? generatedSessionSecret(this, removalPolicy);
      environment[WSAPP_ENV.sessionSecretArn] = this.sessionSecret.secretArn;
      grants.push(...readSecret(this.sessionSecret));
    }

    // The function and its API. The endpoint cannot be known before the API exists, so it is added after.
    const app = new WsappFunction(this, 'App', { ...props, environment, removalPolicy, vpc: props.vpc });
    this.function = app.function;
    const integration = new WebSocketLambdaIntegration('Integration', this.function);
    const authorizer = this.#authorizer(props, removalPolicy);
    const options = (route: PlannedRoute): WebSocketRouteOptions => ({
      integration,
      returnResponse: route.twoWay,
      ...(route.key === '$connect' && authorizer !== undefined ? { authorizer } : {}),
    });
    const byKey = new Map(this.routes.map((route) => [route.key, route]));
    const special = (key: string) => {
      const route = byKey.get(key);
      return route === undefined ? undefined : options(route);
    };
    const connect = special('$connect');
    const disconnect = special('$disconnect');
    const fallback = special('$default');
    this.api = new WebSocketApi(this, 'Api', {
      apiName: props.apiName ?? this.node.path.replaceAll('/', '-'),
      routeSelectionExpression: props.routeSelectionExpression ?? '$request.body.action',
      ...(connect ? { connectRouteOptions: connect } : {}),
      ...(disconnect ? { disconnectRouteOptions: disconnect } : {}),
      ...(fallback ? { defaultRouteOptions: fallback } : {}),
    });
    for (const route of this.routes) {
      if (!route.key.startsWith('$')) this.api.addRoute(route.key, options(route));
    }
    for (const child of this.api.node.findAll()) {
      if (child.node.id === 'Resource' && child.node.scope?.node.id.endsWith('-Route')) {
        // WebSocket APIs authorize on $connect only; every later message runs on that connection.
        if (!child.node.scope.node.id.startsWith('$connect')) {
          suppressNag(child, [
            {
              id: 'AwsSolutions-APIG4',
              reason:
                'API Gateway authorizes a WebSocket connection on $connect only; messages on the ' +
                'connection are covered by that authorization.',
            },
          ]);
        }
      }
    }

    const logs = accessLogs(this, props.accessLogs ?? {}, removalPolicy);
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName,
      autoDeploy: true,
      throttle: props.throttle ?? DEFAULT_THROTTLE,
      accessLogSettings: { destination: logs.destination },
    });
    if (logs.account) this.stage.node.addDependency(logs.account);
    this.callbackUrl = this.stage.callbackUrl;

    // execute-api:ManageConnections on this stage's @connections, for the methods wsapp calls.
    const stack = Stack.of(this);
    const connectionArns = MANAGEMENT_METHODS.map((method) =>
      stack.formatArn({
        service: 'execute-api',
        resource: this.api.apiId,
        resourceName: `${stageName}/${method}/@connections/*`,
      }),
    );
    const manageConnections = new PolicyStatement({
      actions: ['execute-api:ManageConnections'],
      resources: connectionArns,
    });
    grants.push(manageConnections);
    environment[WSAPP_ENV.endpoint] = this.callbackUrl;

    const sending: Array<[string, WsappFunction]> = [['App', app]];
    if (props.fanOut) {
      const worker = new WsappFunction(this, 'FanOutWorker', {
        ...props,
        ...props.fanOut,
        environment: { ...environment, ...props.fanOut.environment },
        removalPolicy,
        vpc: props.vpc,
      });
      const timeout = props.fanOut.timeout ?? props.timeout ?? Duration.seconds(29);
      const queues = fanOutQueues(this, props.fanOut, timeout, removalPolicy);
      worker.function.addEventSource(queues.eventSource);
      // The app enqueues tasks; the worker re-enqueues what its deadline left undelivered.
      grants.push(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queues.queue.queueArn] }));
      environment[WSAPP_ENV.fanOutQueueUrl] = queues.queue.queueUrl;
      this.fanOutQueue = queues.queue;
      this.deadLetterQueue = queues.deadLetterQueue;
      this.fanOutWorker = worker.function;
      sending.push(['FanOutWorker', worker]);
    }
    for (const [, fn] of sending) {
      for (const statement of grants) fn.role.addToPolicy(statement);
      for (const [name, value] of Object.entries(environment)) fn.function.addEnvironment(name, value);
      suppressConnectionWildcards(fn, connectionArns);
    }

    let url = this.stage.url;
    if (props.domain) {
      url = customDomain(this, props.domain, { apiId: this.api.apiId, stageName, stage: this.stage }).url;
    }
    this.url = url;

    if (props.alarms !== false) {
      const functions: Array<[string, IFunction]> = sending.map(([name, fn]) => [name, fn.function]);
      if (this.authorizerFunction) functions.push(['Authorizer', this.authorizerFunction]);
      this.alarms = createAlarms(
        this,
        {
          apiId: this.api.apiId,
          stageName,
          functions,
          ...(this.deadLetterQueue ? { deadLetterQueue: this.deadLetterQueue } : {}),
        },
        props.alarms ?? {},
      );
    }
  }

  #authorizer(
    props: WsappWebSocketApiProps,
    removalPolicy: RemovalPolicy,
  ): IWebSocketRouteAuthorizer | undefined {
    const options = props.connectAuthorizer;
    if (options === undefined) return undefined;
    if ((options.entry === undefined) === (options.function === undefined)) {
      throw new TypeError('connectAuthorizer: give exactly one of entry and function');
    }
    let fn = options.function;
    if (options.entry !== undefined) {
      const built = new WsappFunction(this, 'Authorizer', {
        entry: options.entry,
        environment: {},
        removalPolicy,
        // An authorizer answers fast or the client waits: 10 s is plenty; no store, no VPC.
        timeout: Duration.seconds(10),
        memorySize: 256,
        ...(props.runtime ? { runtime: props.runtime } : {}),
        ...(props.architecture ? { architecture: props.architecture } : {}),
        ...(props.bundling ? { bundling: props.bundling } : {}),
        ...(props.depsLockFilePath ? { depsLockFilePath: props.depsLockFilePath } : {}),
        ...(props.projectRoot ? { projectRoot: props.projectRoot } : {}),
        ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      });
      (this as { authorizerFunction?: NodejsFunction }).authorizerFunction = built.function;
      fn = built.function;
    }
    return new WebSocketLambdaAuthorizer('ConnectAuthorizer', fn as IFunction, {
      identitySource: options.identitySource,
    });
  }
}

/** `secretsmanager:GetSecretValue` on the secret, and `kms:Decrypt` when a customer key encrypts it. */
function readSecret(secret: ISecret): PolicyStatement[] {
  const statements = [
    new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
  ];
  if (secret.encryptionKey) {
    statements.push(
      new PolicyStatement({ actions: ['kms:Decrypt'], resources: [secret.encryptionKey.keyArn] }),
    );
  }
  return statements;
}

function generatedSessionSecret(scope: Construct, removalPolicy: RemovalPolicy): Secret {
  const secret = new Secret(scope, 'SessionSecret', {
    description: 'wsapp session token key(s), comma-separated; the first signs. Read at run time.',
    generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    removalPolicy,
  });
  suppressNag(secret, [
    {
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotation of a session key is a two-step change (put "new,old", then drop old a resume window ' +
        'later), documented in docs/deploy.md; a rotation Lambda replacing the value at once would ' +
        'invalidate every live session token.',
    },
  ]);
  return secret;
}

/** The management-API grant ends in `@connections/*`: connection ids exist only at run time. */
function suppressConnectionWildcards(fn: WsappFunction, arns: readonly string[]): void {
  const policy = fn.role.node.tryFindChild('DefaultPolicy');
  if (policy === undefined) return;
  suppressNag(policy, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        "execute-api:ManageConnections is granted on this API stage's @connections/{connectionId} for " +
        'POST, GET and DELETE only; connection ids are created at run time, so the last segment is a wildcard.',
      findings: arns.map((arn) => nagResourceName(policy, arn)),
    },
  ]);
}
