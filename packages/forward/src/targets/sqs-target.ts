import type { SQSClient, SQSClientConfig } from '@aws-sdk/client-sqs';
import { lazySdk, type SdkClient, type SdkClientConfig } from '@wsapp/core';
import type { ForwardedMessage } from '../envelope.js';
import type { ForwardTarget } from './forward-target.js';
import { type MessageGroupId, resolveGroupId } from './message-group.js';

const sdk = lazySdk('@aws-sdk/client-sqs', () => import('@aws-sdk/client-sqs'));

/** Options of {@link SqsTarget}. */
export interface SqsTargetOptions {
  /** The queue's URL. A URL ending in `.fifo` is a FIFO queue (group id and deduplication id are set). */
  queueUrl: string;
  /** FIFO queues: the message group; default the connection id, so each client's tasks stay in order. */
  messageGroupId?: MessageGroupId;
  /** The `SQSClient` to use; by default one is created on first use (`@aws-sdk/client-sqs`, loaded lazily). */
  client?: SdkClient;
  /** `SQSClientConfig` of the client created when `client` is not given. */
  clientConfig?: SdkClientConfig;
}

/**
 * Sends each task as an SQS message whose body is the {@link ForwardedMessage} as JSON. On FIFO
 * queues, `MessageGroupId` is set (see {@link SqsTargetOptions.messageGroupId}) and
 * `MessageDeduplicationId` is the task id.
 */
export class SqsTarget implements ForwardTarget {
  readonly name: string;
  /** The queue's URL. */
  readonly queueUrl: string;
  /** Whether the queue is FIFO (its URL ends in `.fifo`). */
  readonly fifo: boolean;
  readonly #groupId: MessageGroupId | undefined;
  readonly #config: SQSClientConfig;
  #client: Promise<SQSClient> | undefined;

  constructor(options: SqsTargetOptions) {
    if (typeof options.queueUrl !== 'string' || options.queueUrl.length === 0) {
      throw new TypeError('SqsTarget needs a queueUrl');
    }
    this.queueUrl = options.queueUrl;
    this.fifo = options.queueUrl.endsWith('.fifo');
    this.name = `sqs:${options.queueUrl.slice(options.queueUrl.lastIndexOf('/') + 1)}`;
    this.#groupId = options.messageGroupId;
    // The public options are structural (no SDK import in wsapp's types); they hold SDK objects.
    this.#config = (options.clientConfig ?? {}) as SQSClientConfig;
    if (options.client !== undefined) this.#client = Promise.resolve(options.client as SQSClient);
  }

  async put(message: ForwardedMessage): Promise<void> {
    const { SendMessageCommand } = await sdk();
    const client = await this.#getClient();
    await client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        ...(this.fifo
          ? {
              MessageGroupId: resolveGroupId(this.#groupId, message),
              MessageDeduplicationId: message.envelope.taskId,
            }
          : {}),
      }),
    );
  }

  #getClient(): Promise<SQSClient> {
    this.#client ??= sdk().then(({ SQSClient: Client }) => new Client(this.#config));
    return this.#client;
  }
}
