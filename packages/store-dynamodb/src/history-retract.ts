import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { errorName, storeError } from './errors.js';
import { HISTORY_ATTR as A, entryKey } from './history-items.js';
import { readHead } from './history-log.js';
import type { Operation } from './operation.js';
import { num } from './table-layout.js';

const CONDITION_FAILED = 'ConditionalCheckFailedException';

/**
 * Takes back entry `seq` of the channel (a failed broadcast's append): a consistent read of the
 * head (its numbering epoch, whether it lapsed), then one conditional `UpdateItem` that drops the
 * payload and sets `r`, only while the item is that epoch's live entry of `messageId` and not yet
 * retracted. A tombstone (trimmed meanwhile), an entry of a later epoch, an absent or expired item
 * fail the condition: nothing written, `false`. It never creates an item (the condition needs the
 * entry's attributes) and never touches the head.
 */
export async function retractHistoryItem(
  op: Operation,
  channel: string,
  seq: number,
  messageId: string,
  now: number,
): Promise<boolean> {
  const head = await readHead(op, channel);
  if (head === undefined || head.lapse <= now || seq > head.head) return false;
  const { keys, tableName } = op.layout;
  try {
    await op.client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: entryKey(keys, channel, seq),
        UpdateExpression: 'SET #r = :one REMOVE #p',
        ConditionExpression: '#ep = :ep AND #m = :m AND #e > :now AND attribute_not_exists(#r)',
        ExpressionAttributeNames: {
          '#r': A.retracted,
          '#p': A.payload,
          '#ep': A.epoch,
          '#m': A.messageId,
          '#e': A.expires,
        },
        ExpressionAttributeValues: {
          ':one': num(1),
          ':ep': { S: head.epoch },
          ':m': { S: messageId },
          ':now': num(now),
        },
      }),
      { abortSignal: op.signal },
    );
    return true;
  } catch (error) {
    if (errorName(error) === CONDITION_FAILED) return false;
    throw storeError(op.name, error);
  }
}
