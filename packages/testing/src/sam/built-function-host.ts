// Runs in its own process, as Lambda runs deployed code: built CommonJS bundles (required from
// their own directory, `@aws-sdk/*` from NODE_PATH as the Node.js runtime provides them) behind
// the API Gateway emulator. Started by serveBuiltFunctions; prints one JSON line when ready.
import { createRequire } from 'node:module';
import { type Authorizer, type LambdaHandlerLike, serve } from '@wsapp/local';

interface HostConfig {
  app: string;
  handler: string;
  authorizer?: string;
  authorizerHandler: string;
  stage: string;
  routes: string[];
  twoWayRoutes: string[];
  functionName: string;
}

const config = JSON.parse(process.env.WSAPP_BUILT_FUNCTIONS ?? '{}') as HostConfig;
const load = createRequire(import.meta.url);
const app = (load(config.app) as Record<string, LambdaHandlerLike>)[config.handler] as LambdaHandlerLike;
const authorize =
  config.authorizer === undefined
    ? undefined
    : ((load(config.authorizer) as Record<string, Authorizer>)[config.authorizerHandler] as Authorizer);

// No top-level await: this file is built as CommonJS too.
void serve(app, {
  stage: config.stage,
  routes: config.routes,
  twoWayRoutes: config.twoWayRoutes,
  ...(authorize === undefined ? {} : { authorizer: (request) => authorize(request) }),
  functionName: config.functionName,
}).then((server) => {
  // What the template's WS_ENDPOINT resolves to once the API exists: here, the emulator's endpoint.
  process.env.WS_ENDPOINT = server.endpoint;
  process.stdout.write(`${JSON.stringify({ url: server.url, endpoint: server.endpoint })}\n`);
  process.on('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
});
