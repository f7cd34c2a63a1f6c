import type { SdkClient, SdkClientConfig } from '../aws/sdk-client.js';
import type { CredentialsOption } from './transport/credentials.js';
import type { EncodedPayload } from './transport/encoded-payload.js';
import { LeanTransport, type ManagementTransport } from './transport/lean-transport.js';
import { SdkTransport } from './transport/sdk-transport.js';

/** What `GET @connections/{id}` answers. */
export interface ConnectionInfo {
  /** When the connection was opened. */
  connectedAt: Date | undefined;
  /** When the connection last sent or received a message. */
  lastActiveAt: Date | undefined;
  /** The client as API Gateway saw it at `$connect`. */
  identity: {
    /** The client's IP address. */
    sourceIp: string | undefined;
    /** The client's `User-Agent` header. */
    userAgent: string | undefined;
  };
}

/** How the Messenger reaches the management API. */
export interface ManagementApiOptions {
  /** An `ApiGatewayManagementApiClient` for every call: selects the SDK transport. */
  client?: SdkClient;
  /** `ApiGatewayManagementApiClientConfig`: selects the SDK transport too. */
  clientConfig?: SdkClientConfig;
  /** Credentials of the signing transport. */
  credentials?: CredentialsOption;
  /** Signing region of the signing transport. */
  region?: string;
  /** Keep-alive sockets per host: the messaging concurrency. */
  maxSockets: number;
}

/**
 * The three `@connections` calls. By default signed with SigV4 by wsapp itself over keep-alive
 * agents ({@link LeanTransport}); through the AWS SDK when a `client` or `clientConfig` is given.
 * Payloads come encoded once per message ({@link EncodedPayload}), whatever the recipient count.
 */
export class ManagementApi implements ManagementTransport {
  /** Which transport sends the calls. */
  readonly kind: 'signed' | 'sdk';
  readonly #transport: ManagementTransport;

  constructor(options: ManagementApiOptions) {
    const sdk = options.client !== undefined || options.clientConfig !== undefined;
    this.kind = sdk ? 'sdk' : 'signed';
    this.#transport = sdk
      ? new SdkTransport(options)
      : new LeanTransport({
          maxSockets: options.maxSockets,
          ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
          ...(options.region === undefined ? {} : { region: options.region }),
        });
  }

  post(endpoint: string, connectionId: string, payload: EncodedPayload, signal?: AbortSignal): Promise<void> {
    return this.#transport.post(endpoint, connectionId, payload, signal);
  }

  delete(endpoint: string, connectionId: string, signal?: AbortSignal): Promise<void> {
    return this.#transport.delete(endpoint, connectionId, signal);
  }

  get(endpoint: string, connectionId: string, signal?: AbortSignal): Promise<ConnectionInfo> {
    return this.#transport.get(endpoint, connectionId, signal);
  }
}
