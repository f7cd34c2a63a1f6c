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
  assertChannel,
  assertConnectionId,
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
  DEFAULT_LIMITS,
  InvalidChannelError,
  InvalidConnectionIdError,
  InvalidCursorError,
  InvalidDataError,
  isCursorOf,
  MAX_CONNECTION_SECONDS,
  type MembersOptions,
  type MembersPage,
  mergeData,
  normalizeChannels,
  normalizeData,
  type OpaqueCursorOptions,
  openCursor,
  type QueryMembersArgs,
  type RegisterInit,
  type StoreLimits,
  StoreUnavailableError,
  sealCursor,
  setOwn,
  TooManyChannelsError,
  WsappError,
  type WsappErrorCode,
} from '@wsapp/core';
