/**
 * What connection store authors need: `BaseConnectionStore` (the policy half every adapter
 * extends), the store errors, limits, validation helpers and the opaque-cursor helper
 * (`sealCursor`/`openCursor`: every store's cursors are written and refused the same way). App authors import from `@wsapp/core`.
 *
 * Everything here is re-exported from the root entry (`@wsapp/core`), so a class is the same
 * class whichever entry it was imported from (`instanceof` holds), and the root stays one file.
 *
 * @packageDocumentation
 * @module @wsapp/core/store
 */

export {
  applySessionClose,
  applySessionMarks,
  assertChannel,
  assertConnectionId,
  assertHistoryAppend,
  assertRetention,
  assertSessionId,
  assertTtl,
  BaseConnectionStore,
  type BaseConnectionStoreOptions,
  backoffDelay,
  ConnectionNotFoundError,
  type ConnectionRecord,
  type ConnectionStore,
  type CursorField,
  type CursorFieldKind,
  type CursorFieldsOf,
  cursorFields,
  DEFAULT_HISTORY_RETENTION,
  DEFAULT_LIMITS,
  HISTORY_HEAD_GRACE_SECONDS,
  type HistoryAppend,
  type HistoryEntry,
  HistoryNotSupportedError,
  type HistoryPage,
  type HistoryRetention,
  historyGap,
  InvalidChannelError,
  InvalidConnectionIdError,
  InvalidCursorError,
  InvalidDataError,
  isCursorOf,
  MAX_CONNECTION_SECONDS,
  MAX_HISTORY_LENGTH,
  MAX_HISTORY_READ,
  MAX_HISTORY_SCAN,
  MAX_HISTORY_TTL_SECONDS,
  type MembersOptions,
  type MembersPage,
  mergeData,
  normalizeChannels,
  normalizeData,
  normalizeReadHistory,
  type OpaqueCursorOptions,
  openCursor,
  type QueryMembersArgs,
  type ReadHistoryOptions,
  type RegisterInit,
  type SessionClaim,
  type SessionMarks,
  type SessionRecord,
  SessionsNotSupportedError,
  type StoreLimits,
  StoreUnavailableError,
  sealCursor,
  setOwn,
  TooManyChannelsError,
  UNKNOWN_START,
  WsappError,
  type WsappErrorCode,
} from '@wsapp/core';
