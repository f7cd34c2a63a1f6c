import { executeApiRegion } from '../aws/partitions.js';
import type { WebSocketEvent } from '../events/event-types.js';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(:\d{1,5})?$/;

/**
 * The management API endpoint an event implies, when it can be known from the event alone:
 * `https://{apiId}.execute-api.{region}.{dnsSuffix}/{stage}` for API Gateway's own domain (the
 * suffix of the region's partition: `amazonaws.com`, `amazonaws.com.cn`, …), and
 * `http://{host:port}/{stage}` for a loopback emulator such as `@wsapp/local`. Custom domains
 * answer `undefined`: their base-path mapping may differ from the stage, so `https://{domain}/{stage}`
 * can be wrong (403); such apps set the `endpoint` option.
 */
export function endpointFromEvent(event: WebSocketEvent): string | undefined {
  const { domainName, stage } = event.requestContext;
  if (typeof domainName !== 'string' || typeof stage !== 'string' || stage.length === 0) return undefined;
  const path = encodeURIComponent(stage);
  if (executeApiRegion(domainName) !== undefined) return `https://${domainName}/${path}`;
  if (LOOPBACK.test(domainName)) return `http://${domainName}/${path}`;
  return undefined;
}

/** Whether the event came through a custom domain name (not API Gateway's own, not loopback). */
export function isCustomDomain(event: WebSocketEvent): boolean {
  const domainName = event.requestContext.domainName;
  return (
    typeof domainName === 'string' && executeApiRegion(domainName) === undefined && !LOOPBACK.test(domainName)
  );
}
