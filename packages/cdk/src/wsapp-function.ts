import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { suppressNag } from './nag.js';
import { checkRuntime, DEFAULT_RUNTIME, OLDEST_NODE_MAJOR } from './runtime-policy.js';

/** How one function of the app is built and run (the WebSocket function, the fan-out worker). */
export interface WsappFunctionOptions {
  /** The entry file (TypeScript or JavaScript) exporting the handler; bundled with esbuild. */
  readonly entry: string;
  /** The exported handler's name. Default `handler`. */
  readonly handler?: string;
  /** Default nodejs24.x; nodejs20.x and older are refused (deprecated by AWS Lambda). */
  readonly runtime?: Runtime;
  /** Default ARM64 (Graviton: about 20 % cheaper per GB-second than x86_64). */
  readonly architecture?: Architecture;
  /** MiB. Default 512. */
  readonly memorySize?: number;
  /** Default 29 seconds, API Gateway's integration timeout. */
  readonly timeout?: Duration;
  /** Extra environment variables (the construct's own are set too, see `WSAPP_ENV`). */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * esbuild options for `NodejsFunction` (the local esbuild from your devDependencies is used, no
   * Docker). Defaults: CommonJS (dynamic imports as `require`), minified, source maps on, `@aws-sdk/*`
   * left to the runtime.
   */
  readonly bundling?: BundlingOptions;
  /** The lock file `NodejsFunction` finds the project root by. Default: found upwards from `entry`. */
  readonly depsLockFilePath?: string;
  /** Default: the lock file's directory. */
  readonly projectRoot?: string;
  /** How long the function's log group keeps logs. Default one month. */
  readonly logRetention?: RetentionDays;
  /** Reserved concurrency. Default none (the account's pool). */
  readonly reservedConcurrentExecutions?: number;
}

/** Where the functions run when the store is only reachable inside a VPC (ElastiCache). */
export interface WsappVpcOptions {
  /** The VPC. */
  readonly vpc: IVpc;
  /** The subnets. Default: the VPC's private subnets. */
  readonly vpcSubnets?: SubnetSelection;
  /** The security groups. Default: one created by Lambda's construct. */
  readonly securityGroups?: ISecurityGroup[];
}

/** A function with its own role (log writes to its own log group only) and log group. */
export class WsappFunction extends Construct {
  /** The function. */
  readonly function: NodejsFunction;
  /** Its execution role: grants are added here, never a managed policy (except for a VPC's ENIs). */
  readonly role: Role;
  /** Its log group. */
  readonly logGroup: LogGroup;

  constructor(
    scope: Construct,
    id: string,
    props: WsappFunctionOptions & {
      environment: Record<string, string>;
      vpc?: WsappVpcOptions;
      removalPolicy: RemovalPolicy;
    },
  ) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    // Instead of AWSLambdaBasicExecutionRole (any log group): this function's log group only.
    this.role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    const bundling: BundlingOptions = {
      format: OutputFormat.CJS,
      minify: true,
      sourceMap: true,
      externalModules: ['@aws-sdk/*'],
      // Lazy `import('@aws-sdk/…')` becomes `require()`: the runtime provides the SDK on NODE_PATH,
      // which CommonJS resolution reads and ES module resolution does not.
      esbuildArgs: { '--supported:dynamic-import': 'false' },
      ...props.bundling,
    };
    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: props.handler ?? 'handler',
      runtime: checkRuntime(props.runtime ?? DEFAULT_RUNTIME),
      architecture: props.architecture ?? Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(29),
      role: this.role,
      logGroup: this.logGroup,
      bundling,
      ...(props.depsLockFilePath === undefined ? {} : { depsLockFilePath: props.depsLockFilePath }),
      ...(props.projectRoot === undefined ? {} : { projectRoot: props.projectRoot }),
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      environment: {
        // Source maps make stack traces in the logs point at the TypeScript sources.
        ...(bundling.sourceMap ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        ...props.environment,
      },
      ...(props.vpc === undefined
        ? {}
        : {
            vpc: props.vpc.vpc,
            ...(props.vpc.vpcSubnets === undefined ? {} : { vpcSubnets: props.vpc.vpcSubnets }),
            ...(props.vpc.securityGroups === undefined ? {} : { securityGroups: props.vpc.securityGroups }),
          }),
    });
    if (props.vpc !== undefined) {
      suppressNag(this.role, [
        {
          id: 'AwsSolutions-IAM4',
          findings: [
            'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
          ],
          reason:
            'AWSLambdaVPCAccessExecutionRole is what Lambda needs to create its network interfaces in the VPC; ' +
            'the construct adds it only when the store is reached through a VPC.',
        },
      ]);
    }
    // cdk-nag's L1 wants the newest runtime aws-cdk-lib knows, which may be ahead of Node's LTS line.
    suppressNag(this.function, [
      {
        id: 'AwsSolutions-L1',
        reason:
          `${this.function.runtime.name} is a supported Node.js LTS runtime (only nodejs${OLDEST_NODE_MAJOR}.x and ` +
          'nodejs24.x are accepted: the ones wsapp is tested on).',
      },
    ]);
  }
}
