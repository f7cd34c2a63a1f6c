import { fileURLToPath } from 'node:url';
import { WsappWebSocketApi } from '@wsapp/cdk';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { createChatApp } from '../src/app.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The chat's routes as deployed, from the app itself: `createChatApp` is a factory (importing it
 * connects nothing and reads no environment), built here with a memory store. Sessions are on in
 * the deployed chat, so the automatic two-way `resume` route is declared too; the key given here
 * only lets the app be built — the deployed function reads its own from Secrets Manager.
 */
export function chatRoutes() {
  return createChatApp({
    store: new MemoryConnectionStore(),
    sessions: { secret: 'synth-time-placeholder-never-deployed-0000' },
  });
}

/** The chat on AWS: one `WsappWebSocketApi` with the `?name=` demo authorizer and sessions. */
export class ChatStack extends Stack {
  /** The deployed chat. */
  readonly chat: WsappWebSocketApi;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.chat = new WsappWebSocketApi(this, 'Chat', {
      routes: chatRoutes(),
      entry: here('../deploy/websocket.ts'),
      // Demo authorizer: ?name=ada becomes principalId ada, unverified (see deploy/authorizer.ts).
      connectAuthorizer: {
        entry: here('../deploy/authorizer.ts'),
        identitySource: ['route.request.querystring.name'],
      },
      sessions: true,
    });
    new CfnOutput(this, 'WebSocketUrl', { value: `${this.chat.url}?name=<your-name>` });
    new CfnOutput(this, 'ManagementEndpoint', { value: this.chat.callbackUrl });
    if (this.chat.table) new CfnOutput(this, 'ConnectionsTableName', { value: this.chat.table.tableName });
    if (this.chat.sessionSecret)
      new CfnOutput(this, 'SessionSecretArn', { value: this.chat.sessionSecret.secretArn });
  }
}
