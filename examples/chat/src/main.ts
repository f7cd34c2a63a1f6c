import { type LocalServer, serve } from '@wsapp/local';
import { createChatApp } from './app.js';
import { nameAuthorizer } from './authorizer.js';
import { chatSessions, DEV_SESSION_SECRET } from './sessions.js';
import { siteHandler } from './static-site.js';
import { createStore } from './store.js';

// The main job: the chat app behind the local API Gateway emulator, with its browser page.
const store = await createStore();
const sessions = chatSessions();
const app = createChatApp({ store, sessions });
let server: LocalServer | undefined;
server = await serve(app, {
  host: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 3001),
  authorizer: nameAuthorizer,
  httpHandler: siteHandler(() => server?.url ?? ''),
});

const page = `http://${server.domainName}/`;
console.log(`wsapp chat (store: ${process.env.STORE ?? 'memory'})`);
if (sessions.secret === DEV_SESSION_SECRET) {
  console.log('  sessions:             signed with the LOCAL DEV key (set SESSION_SECRET outside a laptop)');
}
console.log(`  browser page:         ${page}`);
console.log(`  WebSocket URL:        ${server.url}?name=<your-name>`);
console.log(`  management endpoint:  ${server.endpoint}`);
console.log(`  try:  npx wscat -c "${server.url}?name=ada"   then   {"action":"join","room":"lobby"}`);

const stop = async () => {
  await server?.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
