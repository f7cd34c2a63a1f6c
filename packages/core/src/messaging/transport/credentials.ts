import { WsappError } from '../../errors/wsapp-error.js';

/**
 * AWS credentials, the shape of the AWS SDK's `AwsCredentialIdentity` (so its providers fit).
 * `expiration` marks temporary credentials: they are fetched again before it.
 */
export interface AwsCredentials {
  /** The access key id (`AKIA…`, `ASIA…`). */
  readonly accessKeyId: string;
  /** The secret access key. */
  readonly secretAccessKey: string;
  /** The session token of temporary credentials. */
  readonly sessionToken?: string;
  /** When temporary credentials stop working. */
  readonly expiration?: Date;
}

/** A function answering credentials, e.g. the AWS SDK's `fromNodeProviderChain()` or `fromTemporaryCredentials(…)`. */
export type AwsCredentialsProvider = () => Promise<AwsCredentials>;

/** Credentials for the management API: fixed ones, or a provider called again before they expire. */
export type CredentialsOption = AwsCredentials | AwsCredentialsProvider;

/** Temporary credentials are renewed this long before they expire (the AWS SDK's window too). */
const REFRESH_BEFORE_MS = 5 * 60_000;
/** An emulator on loopback checks no signature; never look for real credentials for it. */
const LOCAL: AwsCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

type Source = () => AwsCredentials | Promise<AwsCredentials>;

/**
 * Where the signing transport gets credentials, in order: the `credentials` option; the Lambda
 * environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), read without
 * loading any SDK code; for a loopback emulator, placeholder credentials; otherwise the AWS SDK's
 * default provider chain, imported on first need. Answers are cached and renewed before `expiration`.
 */
export class CredentialSource {
  readonly #option: CredentialsOption | undefined;
  #remote: Cached | undefined;

  constructor(option: CredentialsOption | undefined) {
    this.#option = option;
  }

  /** Credentials for one call; synchronous while the cached ones are fresh. */
  get(loopback: boolean): AwsCredentials | Promise<AwsCredentials> {
    if (this.#remote === undefined) {
      const option = this.#option;
      if (option === undefined && loopback && fromEnv() === undefined) return LOCAL;
      this.#remote = new Cached(
        option === undefined ? envOrChain() : typeof option === 'function' ? option : () => option,
      );
    }
    return this.#remote.get();
  }
}

/** Memoizes a source; calls it again when its answer is within the refresh window of expiring. */
class Cached {
  readonly #source: Source;
  #value: AwsCredentials | undefined;
  #pending: Promise<AwsCredentials> | undefined;

  constructor(source: Source) {
    this.#source = source;
  }

  get(): AwsCredentials | Promise<AwsCredentials> {
    const value = this.#value;
    if (value !== undefined && !expiresSoon(value)) return value;
    this.#pending ??= Promise.resolve()
      .then(() => this.#source())
      .then(
        (fresh) => {
          validate(fresh);
          this.#value = fresh;
          this.#pending = undefined;
          return fresh;
        },
        (error: unknown) => {
          this.#pending = undefined;
          throw error;
        },
      );
    return this.#pending;
  }
}

function expiresSoon(credentials: AwsCredentials): boolean {
  return (
    credentials.expiration !== undefined && credentials.expiration.getTime() - Date.now() <= REFRESH_BEFORE_MS
  );
}

function validate(credentials: AwsCredentials): void {
  if (
    typeof credentials?.accessKeyId !== 'string' ||
    typeof credentials.secretAccessKey !== 'string' ||
    credentials.accessKeyId.length === 0
  ) {
    throw new WsappError(
      'InvalidCredentials',
      'The credentials provider answered no accessKeyId/secretAccessKey',
    );
  }
}

/** The credentials Lambda puts in the environment, read as the AWS SDK's `fromEnv` does. */
export function fromEnv(env: NodeJS.ProcessEnv = process.env): AwsCredentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env.AWS_SESSION_TOKEN;
  const expiration = env.AWS_CREDENTIAL_EXPIRATION;
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration ? { expiration: new Date(expiration) } : {}),
  };
}

/** The environment's credentials when present, else the AWS SDK's default chain (loaded once, lazily). */
function envOrChain(): Source {
  let chain: Promise<AwsCredentialsProvider> | undefined;
  return () => {
    const env = fromEnv();
    if (env !== undefined) return env;
    chain ??= loadDefaultChain().catch((error: unknown) => {
      chain = undefined;
      throw error;
    });
    return chain.then((provider) => provider());
  };
}

type ProviderNode = { defaultProvider: (init?: object) => AwsCredentialsProvider };
type ManagementSdk = {
  ApiGatewayManagementApiClient: new (
    config: object,
  ) => {
    config: { credentials: AwsCredentialsProvider };
  };
};

/**
 * The AWS SDK's default credential chain (env, SSO, ini files, web identity, ECS, IMDS):
 * `@aws-sdk/credential-provider-node` when it resolves from here, else through the management
 * client's own configuration (the client depends on that package, so an installed client has it).
 */
async function loadDefaultChain(): Promise<AwsCredentialsProvider> {
  try {
    const node = (await import('@aws-sdk/credential-provider-node')) as unknown as ProviderNode;
    return node.defaultProvider();
  } catch (first) {
    try {
      const sdk = (await import('@aws-sdk/client-apigatewaymanagementapi')) as unknown as ManagementSdk;
      const client = new sdk.ApiGatewayManagementApiClient({ region: process.env.AWS_REGION ?? 'us-east-1' });
      return () => client.config.credentials();
    } catch {
      throw new WsappError(
        'MissingDependency',
        'No AWS credentials in the environment, and the AWS SDK credential chain is not installed: ' +
          'pass { credentials }, or npm install @aws-sdk/credential-provider-node',
        { cause: first },
      );
    }
  }
}
