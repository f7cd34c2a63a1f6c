import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { ATTR } from './connection-item.js';
import { num, type TableLayout } from './table-layout.js';

/**
 * Deletes the connection item as read at `rev`, on the condition that it is still at least as old
 * as gone-cleanup asked (`connectedAt <= connectedBefore`, epoch ms): the age is checked by DynamoDB
 * in the same write, so a registration of the same id between the read and this delete (a new
 * item, a new `connectedAt`) makes it fail instead of removing the new record.
 */
export function deleteStaleConnection(
  layout: TableLayout,
  connectionId: string,
  rev: number,
  connectedBefore: number,
): TransactWriteItem {
  return {
    Delete: {
      TableName: layout.tableName,
      Key: layout.connectionKey(connectionId),
      ConditionExpression: '#rev = :rev AND #at <= :before',
      ExpressionAttributeNames: { '#rev': ATTR.rev, '#at': ATTR.connectedAt },
      ExpressionAttributeValues: { ':rev': num(rev), ':before': num(connectedBefore) },
    },
  };
}
