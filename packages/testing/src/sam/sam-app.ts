import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type SecretsManagerServer, startSecretsManager } from '../backends/secrets-manager.js';
import { loadTemplate, resourcesOfType, type Template } from './cloudformation.js';
import { functionEnvironment, type StackValues } from './function-environment.js';
import { buildSamFunction, type SamBuiltFunction } from './sam-build.js';
import { lambdaRuntimeModules, serveBuiltFunctions } from './serve-built.js';
import { createTemplateTables, type DynamoDBEndpoint } from './template-tables.js';

/** Options of {@link samApp}. */
export interface SamAppOptions {
  /** The SAM template (`template.yaml`). `CodeUri`s are relative to its directory. */
  template: URL;
  /** Names the stack: `AWS_LAMBDA_FUNCTION_NAME` is `<stackName>-<app>`; tables and secrets are named after it. */
  stackName: string;
  /** The logical id of the WebSocket function, invoked for every route. */
  app: string;
  /** The logical id of the `$connect` REQUEST authorizer's function, if the API has one. */
  authorizer?: string;
  /**
   * The logical ids of the functions to build. Default: every `AWS::Serverless::Function` of the
   * template. `app` and `authorizer` are built whether listed or not.
   */
  functions?: readonly string[];
  /**
   * The app's routes, e.g. the `WebSocketApp` itself: the emulator serves `$connect`,
   * `$disconnect` and `routeKeys`, with route responses for `twoWayRouteKeys`.
   */
  routes: {
    /** The app's route keys. */
    readonly routeKeys: readonly string[];
    /** Those with a route response. */
    readonly twoWayRouteKeys: readonly string[];
  };
  /**
   * DynamoDB Local (`inject('wsappDynamoDB')`): every `AWS::DynamoDB::Table` of the template is
   * created there (see `createTemplateTables`), `!Ref <table>` resolves to its name, the functions
   * get `AWS_ENDPOINT_URL_DYNAMODB`, and its region and credentials are the functions'.
   */
  dynamodb?: DynamoDBEndpoint;
  /**
   * Logical ids of `AWS::SecretsManager::Secret` resources: each holds a fresh random value (32
   * bytes, hex) in a Secrets Manager stand-in (`startSecretsManager`), `!Ref <secret>` resolves to
   * its ARN and the functions get `AWS_ENDPOINT_URL_SECRETS_MANAGER`.
   */
  secrets?: readonly string[];
  /** Endpoints of other stand-ins by service, as the SDK names them: `{ SQS: url }` sets `AWS_ENDPOINT_URL_SQS`. */
  endpoints?: Readonly<Record<string, string>>;
  /**
   * What the template's other references resolve to (parameters, resources, pseudo parameters).
   * samApp gives the tables, the secrets, `AWS::Region`, `AWS::URLSuffix` and each
   * `AWS::ApiGatewayV2::Api` (whose `WS_ENDPOINT` becomes the emulator's); these win over them.
   */
  values?: StackValues;
  /**
   * Variables set over the template's, e.g. a `NODE_OPTIONS` that adds an `--import`: an object,
   * or a function of the template's resolved environment.
   */
  environment?:
    | Readonly<Record<string, string>>
    | ((template: Readonly<Record<string, string>>) => Record<string, string>);
}

/** A secret {@link samApp} put in its Secrets Manager stand-in. */
export interface SamSecret {
  /** Its ARN: what `!Ref <secret>` resolved to. */
  arn: string;
  /** Its value. */
  value: string;
}

/** The built functions of a SAM template served behind the emulator (see {@link samApp}). */
export interface SamApp {
  /** The parsed template. */
  template: Template;
  /** `ws://127.0.0.1:<port>/<stage>`. */
  url: string;
  /** The management endpoint, given to the functions as `WS_ENDPOINT`. */
  endpoint: string;
  /** The process id of the process running the built functions. */
  pid: number;
  /** The temporary directory holding the bundles (`<outdir>/<logical id>/`) and the runtime's modules. */
  outdir: string;
  /** The built functions by logical id. */
  built: ReadonlyMap<string, SamBuiltFunction>;
  /** The served functions' environment as the template resolves it, `WS_ENDPOINT` left to the emulator. */
  environment: Readonly<Record<string, string>>;
  /** The Secrets Manager stand-in, when `secrets` were given (`reads` counts `GetSecretValue` calls). */
  secretsManager: SecretsManagerServer | undefined;
  /** The table created for a `AWS::DynamoDB::Table` logical id; throws for another id. */
  table(id: string): string;
  /** The secret put for a logical id of `secrets`; throws for another id. */
  secret(id: string): SamSecret;
  /** Stops the functions' process (by its handle, waiting for it to exit) and the Secrets Manager stand-in, and removes `outdir`. Idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the functions of a SAM template as `sam build` does ({@link buildSamFunction}) and runs
 * the WebSocket function and its authorizer as Lambda runs them behind the emulator
 * ({@link serveBuiltFunctions}): CommonJS in a fresh process with only `@aws-sdk/*` on
 * `NODE_PATH` ({@link lambdaRuntimeModules}), the environment the template gives them
 * ({@link functionEnvironment}; both functions run in one process, so a variable both define must
 * have one value), against the stand-ins given (tables in DynamoDB Local, secrets in a Secrets
 * Manager on loopback, other endpoints). The stage is the `StageName` parameter's default.
 * On failure, whatever was started is stopped before the error is thrown.
 */
export async function samApp(options: SamAppOptions): Promise<SamApp> {
  const template = loadTemplate(options.template);
  const root = new URL('./', options.template);
  const outdir = mkdtempSync(join(tmpdir(), `${options.stackName}-sam-`));
  const stops: Array<() => Promise<void>> = [async () => rmSync(outdir, { recursive: true, force: true })];
  const close = async () => {
    // Last started, first stopped; each once.
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const ids = new Set([
      ...(options.functions ?? resourcesOfType(template, 'AWS::Serverless::Function')),
      options.app,
      ...(options.authorizer === undefined ? [] : [options.authorizer]),
    ]);
    const built = new Map(
      await Promise.all(
        [...ids].map(
          async (id) =>
            [id, await buildSamFunction(template, id, { codeRoot: root, outdir: join(outdir, id) })] as const,
        ),
      ),
    );
    const region = options.dynamodb?.region ?? 'us-east-1';
    const credentials = options.dynamodb?.credentials ?? {
      accessKeyId: 'wsapplocal',
      secretAccessKey: 'wsapplocal',
    };
    const tables =
      options.dynamodb === undefined
        ? new Map<string, string>()
        : await createTemplateTables(template, options.dynamodb, options.stackName);

    const secrets = new Map<string, SamSecret>();
    let secretsManager: SecretsManagerServer | undefined;
    if (options.secrets !== undefined && options.secrets.length > 0) {
      const sm = await startSecretsManager();
      secretsManager = sm;
      stops.push(() => sm.close());
      for (const id of options.secrets) {
        const value = randomBytes(32).toString('hex');
        secrets.set(id, { arn: sm.put(`${options.stackName}-${id}`, value), value });
      }
    }

    const values: StackValues = {
      parameters: options.values?.parameters,
      resources: {
        ...Object.fromEntries(resourcesOfType(template, 'AWS::ApiGatewayV2::Api').map((id) => [id, 'api'])),
        ...Object.fromEntries(tables),
        ...Object.fromEntries([...secrets].map(([id, secret]) => [id, secret.arn])),
        ...options.values?.resources,
      },
      others: { 'AWS::Region': region, 'AWS::URLSuffix': 'amazonaws.com', ...options.values?.others },
    };
    const { WS_ENDPOINT: _endpoint, ...environment } = servedEnvironment(
      template,
      [options.app, ...(options.authorizer === undefined ? [] : [options.authorizer])],
      values,
    );
    const extra =
      typeof options.environment === 'function' ? options.environment(environment) : options.environment;
    const app = built.get(options.app) as SamBuiltFunction;
    const authorizer = options.authorizer === undefined ? undefined : built.get(options.authorizer);
    const server = await serveBuiltFunctions({
      app,
      authorizer,
      stage: stageName(template),
      routes: ['$connect', '$disconnect', ...options.routes.routeKeys],
      twoWayRoutes: options.routes.twoWayRouteKeys,
      environment: {
        ...environment,
        // What Lambda sets, and the SDK's endpoint variables for the stand-ins.
        AWS_LAMBDA_FUNCTION_NAME: `${options.stackName}-${options.app}`,
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        ...(options.dynamodb === undefined ? {} : { AWS_ENDPOINT_URL_DYNAMODB: options.dynamodb.endpoint }),
        ...(secretsManager === undefined
          ? {}
          : { AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint }),
        ...Object.fromEntries(
          Object.entries(options.endpoints ?? {}).map(([service, url]) => [
            `AWS_ENDPOINT_URL_${service}`,
            url,
          ]),
        ),
        ...extra,
      },
      // Only what the Node.js runtime provides: @aws-sdk/*, linked from the app's dependencies.
      nodePath: lambdaRuntimeModules(
        outdir,
        [...built.values()].map((b) => b.file),
        fileURLToPath(root),
      ),
    });
    stops.push(() => server.close());
    return {
      template,
      url: server.url,
      endpoint: server.endpoint,
      pid: server.pid,
      outdir,
      built,
      environment,
      secretsManager,
      table: (id) => found(tables, id, 'table'),
      secret: (id) => found(secrets, id, 'secret'),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The environment of functions served by one process: each one's, a clash refused. */
function servedEnvironment(template: Template, ids: string[], values: StackValues): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const id of ids) {
    for (const [name, value] of Object.entries(functionEnvironment(template, id, values))) {
      if (name in merged && merged[name] !== value) {
        throw new Error(`${id}: ${name} differs from the other served function’s, and they share a process`);
      }
      merged[name] = value;
    }
  }
  return merged;
}

function stageName(template: Template): string {
  const stage = template.Parameters?.StageName?.Default;
  if (stage === undefined) throw new Error('the template has no StageName parameter with a default');
  return String(stage);
}

function found<T>(map: ReadonlyMap<string, T>, id: string, what: string): T {
  const value = map.get(id);
  if (value === undefined)
    throw new Error(`samApp made no ${what} ${id} (it made: ${[...map.keys()].join(', ')})`);
  return value;
}
