/** One open WebSocket connection as a store keeps it. */
export interface ConnectionRecord {
  /** API Gateway's connection id. */
  connectionId: string;
  /** Channels the connection belongs to (user ids, rooms, ticker symbols, …), without duplicates. */
  channels: string[];
  /** User metadata (user id, locale, …): a JSON object. */
  data: Record<string, unknown>;
  /** Management API endpoint captured at `$connect`, so any Lambda can reach the connection. */
  endpoint?: string;
  /** When the connection was registered, epoch milliseconds. */
  connectedAt: number;
  /** When the record stops being returned, epoch seconds (DynamoDB TTL format). */
  expiresAt: number;
}

/** What `register()` may set besides the id. */
export interface RegisterInit {
  /** Channels to join at once. */
  channels?: readonly string[];
  /** Initial user metadata (a JSON object). */
  data?: Record<string, unknown>;
  /** Management endpoint through which the connection is reached. */
  endpoint?: string;
  /** Lifetime from now; defaults to the store's `ttlSeconds`. */
  ttlSeconds?: number;
}

/** Paging options of `members()`. */
export interface MembersOptions {
  /** Page size; defaults to 1000, at most the store's `maxPageSize`. */
  limit?: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

/** One page of a channel's members. `cursor` is absent on the last page. */
export interface MembersPage {
  /** Connection ids of this page. */
  connectionIds: string[];
  /** Pass to the next `members()` call; absent on the last page. */
  cursor?: string;
}
