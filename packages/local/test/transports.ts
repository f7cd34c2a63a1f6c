import type { MessengerOptions } from '@wsapp/core';

/**
 * The two management transports every messaging test runs on: wsapp's own SigV4-signed one (the
 * default) and the AWS SDK client (selected by `clientConfig`, as by `client`).
 */
export const transports: ReadonlyArray<{ name: string; options: Pick<MessengerOptions, 'clientConfig'> }> = [
  { name: 'signed', options: {} },
  { name: 'AWS SDK', options: { clientConfig: {} } },
];
