import { gatewayId } from '@wsapp/local';

/** A connection id in API Gateway's form: 15 URL-safe base64 characters and `=` (e.g. `JC1dgf9yoAMCK-g=`). */
export function connectionIdLike(): string {
  return gatewayId();
}

/** A request id in API Gateway's form (same alphabet and length as connection ids). */
export function requestIdLike(): string {
  return gatewayId();
}
