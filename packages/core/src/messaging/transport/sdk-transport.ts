import type {
  ApiGatewayManagementApiClient,
  ApiGatewayManagementApiClientConfig,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { executeApiRegion } from '../../aws/partitions.js';
import type { SdkClient, SdkClientConfig } from '../../aws/sdk-client.js';
import { lazySdk } from '../../lazy-sdk.js';
import type { ConnectionInfo } from '../management-api.js';
import { CLOCK_SKEW_THRESHOLD_MS, isClockSkewRefusal, signableDate } from './clock-skew.js';
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
    await skewRetried(client, signal, () =>
      client.send(new sdk.PostToConnectionCommand({ ConnectionId: connectionId, Data: payload.bytes }), {
        abortSignal: signal,
      }),
    );
  }

  async delete(endpoint: string, connectionId: string, signal?: AbortSignal): Promise<void> {
    const [sdk, client] = await Promise.all([loadSdk(), this.#client(endpoint)]);
    await skewRetried(client, signal, () =>
      client.send(new sdk.DeleteConnectionCommand({ ConnectionId: connectionId }), { abortSignal: signal }),
    );
  }

  async get(endpoint: string, connectionId: string, signal?: AbortSignal): Promise<ConnectionInfo> {
    const [sdk, client] = await Promise.all([loadSdk(), this.#client(endpoint)]);
    const out = await skewRetried(client, signal, () =>
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
 * Sends once more a call the SDK refused for its date, when the SDK's clock offset (learned by its
 * signer from the answer's `Date`) now differs by at least {@link CLOCK_SKEW_THRESHOLD_MS} from the
 * one the call was signed with: the SDK's own retry strategy sends such calls again, but wsapp's
 * clients run with `maxAttempts: 1` (the Messenger retries, and takes a 403 for a wrong endpoint
 * or permission). The SDK's `clockSkewCorrected` flag is not used: it is only set when the new
 * offset itself is 4 minutes or more, so a clock corrected back towards the service's (NTP) would
 * fail one call per concurrent request. An offset that can date no request (a garbage `Date`,
 * which the SDK takes as it comes) is undone: the SDK would otherwise fail every later call
 * before sending it, with nothing left to learn a better offset from.
 */
async function skewRetried<T>(
  client: ApiGatewayManagementApiClient,
  signal: AbortSignal | undefined,
  call: () => Promise<T>,
): Promise<T> {
  // A stand-in client (a test double) may have no resolved config: nothing to learn or undo then.
  const config: { systemClockOffset?: number } = client.config ?? {};
  const before = config.systemClockOffset ?? 0;
  try {
    return await call();
  } catch (error) {
    const after = config.systemClockOffset ?? 0;
    if (!signableDate(Date.now() + after)) config.systemClockOffset = before;
    const moved = Math.abs((config.systemClockOffset ?? 0) - before) >= CLOCK_SKEW_THRESHOLD_MS;
    if (!moved || signal?.aborted || !isClockSkewRefusal(error as Error)) throw error;
    return call();
  }
}
