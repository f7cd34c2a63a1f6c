import type { EventBridgeClient, EventBridgeClientConfig } from '@aws-sdk/client-eventbridge';
import { lazySdk, type SdkClient, type SdkClientConfig, WsappError } from '@wsapp/core';
import type { ForwardedMessage } from '../envelope.js';
import type { ForwardTarget } from './forward-target.js';

const sdk = lazySdk('@aws-sdk/client-eventbridge', () => import('@aws-sdk/client-eventbridge'));

/** Options of {@link EventBridgeTarget}. */
export interface EventBridgeTargetOptions {
  /** The event bus name or ARN (`default` for the account's default bus). */
  busName: string;
  /** The events' `source`, e.g. `com.example.reports`. */
  source: string;
  /** The events' `detail-type`, e.g. `ReportRequested`. */
  detailType: string;
  /** An `EventBridgeClient`; by default one is created on first use (`@aws-sdk/client-eventbridge`, loaded lazily). */
  client?: SdkClient;
  /** `EventBridgeClientConfig` of the client created when `client` is not given. */
  clientConfig?: SdkClientConfig;
}

/**
 * Puts each task on an EventBridge bus as one event whose `detail` is the {@link ForwardedMessage}.
 * An entry EventBridge reports as failed (`FailedEntryCount`) counts as a refusal.
 */
export class EventBridgeTarget implements ForwardTarget {
  readonly name: string;
  /** The bus events are put on. */
  readonly busName: string;
  /** The events' `source`. */
  readonly source: string;
  /** The events' `detail-type`. */
  readonly detailType: string;
  readonly #config: EventBridgeClientConfig;
  #client: Promise<EventBridgeClient> | undefined;

  constructor(options: EventBridgeTargetOptions) {
    for (const key of ['busName', 'source', 'detailType'] as const) {
      if (typeof options[key] !== 'string' || options[key].length === 0) {
        throw new TypeError(`EventBridgeTarget needs a ${key}`);
      }
    }
    this.busName = options.busName;
    this.source = options.source;
    this.detailType = options.detailType;
    this.name = `eventbridge:${options.busName}`;
    // The public options are structural (no SDK import in wsapp's types); they hold SDK objects.
    this.#config = (options.clientConfig ?? {}) as EventBridgeClientConfig;
    if (options.client !== undefined) this.#client = Promise.resolve(options.client as EventBridgeClient);
  }

  async put(message: ForwardedMessage): Promise<void> {
    const { PutEventsCommand } = await sdk();
    const client = await this.#getClient();
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: this.source,
            DetailType: this.detailType,
            Detail: JSON.stringify(message),
          },
        ],
      }),
    );
    if ((out.FailedEntryCount ?? 0) > 0) {
      const entry = out.Entries?.[0];
      throw new WsappError(
        'EventRejected',
        `EventBridge rejected the event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim(),
      );
    }
  }

  #getClient(): Promise<EventBridgeClient> {
    this.#client ??= sdk().then(({ EventBridgeClient: Client }) => new Client(this.#config));
    return this.#client;
  }
}
