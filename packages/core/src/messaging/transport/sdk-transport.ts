import type {
  ApiGatewayManagementApiClient,
  ApiGatewayManagementApiClientConfig,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { executeApiRegion } from '../../aws/partitions.js';
import type { SdkClient, SdkClientConfig } from '../../aws/sdk-client.js';
import { lazySdk } from '../../lazy-sdk.js';
import type { ConnectionInfo } from '../management-api.js';
import type { EncodedPayload } from './encoded-payload.js';
import type { ManagementTransport } from './lean-transport.js';

type Sdk = typeof import('@aws-sdk/client-apigatewaymanagementapi');

/** Loads the AWS SDK client on first use, so routing alone never pays for it (cold start). */
const loadSdk = lazySdk<Sdk>(
  '@aws-sdk/client-apigatewaymanagementapi',
  () => import('@aws-sdk/client-apigatewaymanagementapi'),
  'Messaging through the AWS SDK',
);

const LOOPBACK = /^https?:\/\/(localhost|127(?:\.\d{1,3}){3}|\[::1\])(:\d+)?(\/|$)/;

/**
 * The three `@connections` calls through the AWS SDK: the given client, or one client per endpoint
 * with keep-alive sockets sized to the messaging concurrency and the SDK's own retries off (the
 * Messenger retries with a deadline). Chosen when the app passes `client` or `clientConfig`.
 */
export class SdkTransport implements ManagementTransport {
  readonly #given: ApiGatewayManagementApiClient | undefined;
  readonly #config: ApiGatewayManagementApiClientConfig;
  readonly #maxSockets: number;
  readonly #clients = new Map<string, Promise<ApiGatewayManagementApiClient>>();

  constructor(options: { client?: SdkClient; clientConfig?: SdkClientConfig; maxSockets: number }) {
    // The public options are structural (no SDK import in wsapp's types); they hold SDK objects.
    this.#given = options.client as ApiGatewayManagementApiClient | undefined;
    this.#config = (options.clientConfig ?? {}) as ApiGatewayManagementApiClientConfig;
    this.#maxSockets = options.maxSockets;
  }

  async post(
    endpoint: string,
    connectionId: string,
    payload: EncodedPayload,
    signal?: AbortSignal,
  ): Promise<void> {
    const [sdk, client] = await Promise.all([loadSdk(), this.#client(endpoint)]);
    await skewRetried(signal, () =>
      client.send(new sdk.PostToConnectionCommand({ ConnectionId: connectionId, Data: payload.bytes }), {
        abortSignal: signal,
      }),
    );
  }

  async delete(endpoint: string, connectionId: string, signal?: AbortSignal): Promise<void> {
    const [sdk, client] = await Promise.all([loadSdk(), this.#client(endpoint)]);
    await skewRetried(signal, () =>
      client.send(new sdk.DeleteConnectionCommand({ ConnectionId: connectionId }), { abortSignal: signal }),
    );
  }

  async get(endpoint: string, connectionId: string, signal?: AbortSignal): Promise<ConnectionInfo> {
    const [sdk, client] = await Promise.all([loadSdk(), this.#client(endpoint)]);
    const out = await skewRetried(signal, () =>
      client.send(new sdk.GetConnectionCommand({ ConnectionId: connectionId }), { abortSignal: signal }),
    );
    return {
      connectedAt: out.ConnectedAt,
      lastActiveAt: out.LastActiveAt,
      identity: { sourceIp: out.Identity?.SourceIp, userAgent: out.Identity?.UserAgent },
    };
  }

  #client(endpoint: string): Promise<ApiGatewayManagementApiClient> {
    if (this.#given) return Promise.resolve(this.#given);
    let client = this.#clients.get(endpoint);
    if (client === undefined) {
      client = this.#create(endpoint);
      this.#clients.set(endpoint, client);
    }
    return client;
  }

  async #create(endpoint: string): Promise<ApiGatewayManagementApiClient> {
    const [sdk, http, https] = await Promise.all([loadSdk(), import('node:http'), import('node:https')]);
    const agent = { keepAlive: true, maxSockets: this.#maxSockets };
    const local = LOOPBACK.test(endpoint);
    const config: ApiGatewayManagementApiClientConfig = {
      region: regionOf(endpoint) ?? process.env.AWS_REGION ?? 'us-east-1',
      maxAttempts: 1,
      requestHandler: {
        httpAgent: new http.Agent(agent),
        httpsAgent: new https.Agent(agent),
        requestTimeout: 10_000,
        // Without it the handler only logs a warning at 10 s and keeps waiting for the answer.
        throwOnRequestTimeout: true,
      },
      // A local emulator needs no real credentials; never look for them when none are configured.
      ...(local && !process.env.AWS_ACCESS_KEY_ID
        ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
      ...this.#config,
      endpoint,
    };
    return new sdk.ApiGatewayManagementApiClient(config);
  }
}

/** The region an execute-api endpoint names (any partition), else `undefined`. */
function regionOf(endpoint: string): string | undefined {
  try {
    return executeApiRegion(new URL(endpoint).hostname);
  } catch {
    return undefined;
  }
}

/**
 * Sends once more a call the SDK refused for a skewed clock and has just corrected its clock for
 * (`$metadata.clockSkewCorrected`, set by its signer from the answer's `Date`): the SDK's own retry
 * strategy does the same, but wsapp's clients run with `maxAttempts: 1` (the Messenger retries),
 * and the Messenger takes a 403 for a wrong endpoint or permission.
 */
async function skewRetried<T>(signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const corrected = (error as { $metadata?: { clockSkewCorrected?: boolean } } | undefined)?.$metadata
      ?.clockSkewCorrected;
    if (corrected !== true || signal?.aborted) throw error;
    return call();
  }
}
