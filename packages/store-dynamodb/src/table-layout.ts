import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { connectionKey, type KeyAttributes } from './connection-item.js';
import { membershipPartitionKey, shardOf } from './key-layout.js';

/**
 * The items of one table, built from the key layout ({@link membershipPartitionKey}): the
 * connection item's key and the membership items' keys, items and transaction writes.
 */
export class TableLayout {
  constructor(
    /** Table name. */
    readonly tableName: string,
    /** Key and TTL attribute names. */
    readonly keys: KeyAttributes,
    /** Shard count of a channel. */
    readonly shardsOf: (channel: string) => number,
  ) {}

  /** Key of the connection item. */
  connectionKey(connectionId: string): Record<string, AttributeValue> {
    return connectionKey(this.keys, connectionId);
  }

  /** Key of the membership item of `connectionId` in `channel`. */
  memberKey(channel: string, connectionId: string): Record<string, AttributeValue> {
    const shards = this.shardsOf(channel);
    return {
      [this.keys.pk]: { S: membershipPartitionKey(channel, shardOf(connectionId, shards), shards) },
      [this.keys.sk]: { S: connectionId },
    };
  }

  /** Transaction write putting the membership item, expiring with its connection. */
  putMember(channel: string, connectionId: string, expiresAt: number): TransactWriteItem {
    const Item = { ...this.memberKey(channel, connectionId), [this.keys.ttl]: num(expiresAt) };
    return { Put: { TableName: this.tableName, Item } };
  }

  /** Transaction write deleting the membership item. */
  deleteMember(channel: string, connectionId: string): TransactWriteItem {
    return { Delete: { TableName: this.tableName, Key: this.memberKey(channel, connectionId) } };
  }
}

/** A number attribute value. */
export function num(value: number): AttributeValue {
  return { N: String(value) };
}
