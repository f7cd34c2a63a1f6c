// Runs in its own process, as Lambda would run the deployed code: the synthesized, bundled
// index.js of each function (required as CommonJS from cdk.out, `@aws-sdk/*` from NODE_PATH as the
// Node.js runtime provides them) behind the API Gateway emulator. Prints one JSON line when ready.
import { createRequire } from 'node:module';
import { type Authorizer, type LambdaHandlerLike, serve } from '@wsapp/local';

interface HostConfig {
  app: string;
  authorizer: string;
  stage: string;
  routes: string[];
  twoWayRoutes: string[];
}

const config = JSON.parse(process.env.WSAPP_BUNDLE_HOST ?? '{}') as HostConfig;
const load = createRequire(import.meta.url);
const app = load(config.app) as { handler: LambdaHandlerLike };
const authorizerModule = load(config.authorizer) as { handler: Authorizer };

const server = await serve(app.handler, {
  stage: config.stage,
  routes: config.routes,
  twoWayRoutes: config.twoWayRoutes,
  authorizer: (request) => authorizerModule.handler(request),
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'chat',
});
// What the template's WS_ENDPOINT resolves to once the API exists: here, the emulator's endpoint.
process.env.WS_ENDPOINT = server.endpoint;
process.stdout.write(`${JSON.stringify({ url: server.url, endpoint: server.endpoint })}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
