/**
 * The two minimal apps compared for cold start, as source text bundled by esbuild: one route and
 * a connect handler for wsapp; one GET route for Powertools' HTTP router (the nearest Powertools
 * router; it has no WebSocket router). Each exports `handler` and `events` (what to route).
 */
export interface ColdStartSubject {
  name: string;
  /** What `import()` loads for the "import the package" measurement. */
  specifier: string;
  /** A minimal app as an ES module. */
  appSource: string;
}

export const subjects: ColdStartSubject[] = [
  {
    name: 'wsapp',
    specifier: '@wsapp/core',
    appSource: `
import { WebSocketApp } from '@wsapp/core';
const app = new WebSocketApp({ logger: { debug() {}, info() {}, warn() {}, error() {} } });
app.onConnect(() => undefined);
app.route('ping', () => ({ pong: true }));
export const handler = app.handler();
export const sendProbe = (id) => app.messenger.send(id, 'x', { endpoint: 'http://127.0.0.1:9/local' });
const rc = (routeKey, eventType) => ({ routeKey, eventType, connectionId: 'L0SM9cOFvHcCIhw=', requestId: 'r1', stage: 'prod', domainName: 'abc.execute-api.us-east-1.amazonaws.com', apiId: 'abc' });
export const events = [
  { requestContext: rc('$connect', 'CONNECT'), headers: { Host: 'abc' }, isBase64Encoded: false },
  { requestContext: rc('ping', 'MESSAGE'), body: '{"action":"ping"}', isBase64Encoded: false },
  { requestContext: rc('$disconnect', 'DISCONNECT'), isBase64Encoded: false },
];
`,
  },
  {
    name: 'powertools',
    specifier: '@aws-lambda-powertools/event-handler/http',
    appSource: `
import { Router } from '@aws-lambda-powertools/event-handler/http';
const app = new Router();
app.get('/ping', async () => ({ pong: true }));
export const handler = (event, context) => app.resolve(event, context);
export const sendProbe = undefined;
export const events = [{
  resource: '/ping', path: '/ping', httpMethod: 'GET', headers: { Host: 'abc' }, multiValueHeaders: { Host: ['abc'] },
  queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: null, stageVariables: null,
  requestContext: { accountId: '123456789012', apiId: 'abc', httpMethod: 'GET', path: '/prod/ping', protocol: 'HTTP/1.1',
    requestId: 'r1', requestTimeEpoch: 0, resourceId: 'x', resourcePath: '/ping', stage: 'prod', identity: { sourceIp: '203.0.113.10' } },
  body: null, isBase64Encoded: false,
}];
`,
  },
];
