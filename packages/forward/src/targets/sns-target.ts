import type { SNSClient, SNSClientConfig } from '@aws-sdk/client-sns';
import { lazySdk, type SdkClient, type SdkClientConfig } from '@wsapp/core';
import type { ForwardedMessage } from '../envelope.js';
import type { ForwardTarget } from './forward-target.js';
import { type MessageGroupId, resolveGroupId } from './message-group.js';

const sdk = lazySdk('@aws-sdk/client-sns', () => import('@aws-sdk/client-sns'));

/** Options of {@link SnsTarget}. */
export interface SnsTargetOptions {
  /** The topic's ARN. An ARN ending in `.fifo` is a FIFO topic (group id and deduplication id are set). */
  topicArn: string;
  /** FIFO topics: the message group; default the connection id. */
  messageGroupId?: MessageGroupId;
  /** The `SNSClient` to use; by default one is created on first use (`@aws-sdk/client-sns`, loaded lazily). */
  client?: SdkClient;
  /** `SNSClientConfig` of the client created when `client` is not given. */
  clientConfig?: SdkClientConfig;
}

/**
 * Publishes each task to an SNS topic; the message is the {@link ForwardedMessage} as JSON. On FIFO
 * topics, `MessageGroupId` is set and `MessageDeduplicationId` is the task id.
 */
export class SnsTarget implements ForwardTarget {
  readonly name: string;
  /** The topic's ARN. */
  readonly topicArn: string;
  /** Whether the topic is FIFO (its ARN ends in `.fifo`). */
  readonly fifo: boolean;
  readonly #groupId: MessageGroupId | undefined;
  readonly #config: SNSClientConfig;
  #client: Promise<SNSClient> | undefined;

  constructor(options: SnsTargetOptions) {
    if (typeof options.topicArn !== 'string' || options.topicArn.length === 0) {
      throw new TypeError('SnsTarget needs a topicArn');
    }
    this.topicArn = options.topicArn;
    this.fifo = options.topicArn.endsWith('.fifo');
    this.name = `sns:${options.topicArn.slice(options.topicArn.lastIndexOf(':') + 1)}`;
    this.#groupId = options.messageGroupId;
    // The public options are structural (no SDK import in wsapp's types); they hold SDK objects.
    this.#config = (options.clientConfig ?? {}) as SNSClientConfig;
    if (options.client !== undefined) this.#client = Promise.resolve(options.client as SNSClient);
  }

  async put(message: ForwardedMessage): Promise<void> {
    const { PublishCommand } = await sdk();
    const client = await this.#getClient();
    await client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(message),
        ...(this.fifo
          ? {
              MessageGroupId: resolveGroupId(this.#groupId, message),
              MessageDeduplicationId: message.envelope.taskId,
            }
          : {}),
      }),
    );
  }

  #getClient(): Promise<SNSClient> {
    this.#client ??= sdk().then(({ SNSClient: Client }) => new Client(this.#config));
    return this.#client;
  }
}
