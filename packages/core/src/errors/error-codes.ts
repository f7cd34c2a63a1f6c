/**
 * Every `code` a {@link WsappError} can carry, one error class per code. Handlers registered with
 * `errorHandler(ErrorClass, …)` fall back to matching this code, so an error from a duplicated
 * copy of the library (two bundles) still finds its handler. `WsappError` also accepts other
 * strings, so packages built on core can add codes of their own.
 */
export type WsappErrorCode =
  // routing and the app
  | 'WebSocketError'
  | 'NoStore'
  | 'SendDuringConnect'
  | 'NextCalledTwice'
  | 'InvalidRouteSelection'
  // stores
  | 'ConnectionNotFound'
  | 'InvalidChannel'
  | 'InvalidConnectionId'
  | 'InvalidData'
  | 'TooManyChannels'
  | 'InvalidCursor'
  | 'StoreUnavailable'
  | 'HistoryNotSupported'
  | 'SessionsNotSupported'
  // messaging
  | 'PayloadTooLarge'
  | 'ManagementApiForbidden'
  | 'SendFailed'
  | 'EndpointUnknown'
  | 'DeadlineExceeded'
  | 'ConnectionPending'
  | 'MissingDependency'
  // @wsapp/forward
  | 'NotATask'
  | 'TaskSignature'
  | 'EventRejected';
