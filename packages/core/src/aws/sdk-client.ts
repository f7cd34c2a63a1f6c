/**
 * An AWS SDK v3 client, as wsapp uses one: `client.send(command)`. Any SDK client fits (each option
 * names the service it expects, e.g. an `SQSClient`), and so does a test double with a `send`.
 * Declared structurally so that wsapp's published types never import an AWS SDK package: the SDK
 * clients are optional peers, and an app that does not use them does not install them.
 */
export interface SdkClient {
  /**
   * Sends a command and answers its output. `never` accepts every client's command type: wsapp
   * creates the commands itself, from the SDK package it loads when the client is first used.
   */
  send(command: never): Promise<unknown>;
}

/**
 * The configuration of an AWS SDK v3 client (e.g. `SQSClientConfig`), passed to the client's
 * constructor as given. Declared as `object` for the same reason as {@link SdkClient}; check it
 * against the SDK's own type where you write it: `{ region: 'eu-west-1' } satisfies SQSClientConfig`.
 */
export type SdkClientConfig = object;
