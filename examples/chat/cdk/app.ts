// CDK twin of ../template.yaml. Type-checked by hand against aws-cdk-lib 2.226.0, not by
// `pnpm test` (aws-cdk-lib is not a workspace dependency): see README.md in this folder.

import { MemoryConnectionStore } from '@wsapp/store-memory';
import { App, CfnOutput, CfnParameter, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import { WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { createChatApp } from '../src/app.js';

// The routes, and which of them reply, come from the app's own declaration (the SAM template is
// checked against the same declaration by test/template.test.ts).
// Declared with sessions, as deployed (SESSION_SECRET): the automatic two-way resume route included.
const chat = createChatApp({ store: new MemoryConnectionStore(), sessions: { secret: 'x'.repeat(32) } });
/** The custom routes the chat app declares. */
const CHAT_ROUTES = chat.routeKeys.filter((key) => !key.startsWith('$'));
/** The two-way routes: `returnResponse` gives them a `$default` route response. */
const TWO_WAY = new Set(chat.twoWayRouteKeys);

class ChatStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const stageName = new CfnParameter(this, 'StageName', { default: 'prod' }).valueAsString;

    // pk/sk strings, on-demand, TTL on expiresAt: what @wsapp/store-dynamodb expects.
    const table = new Table(this, 'ConnectionsTable', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
    });

    const bundling = { format: OutputFormat.CJS, target: 'es2022', externalModules: ['@aws-sdk/*'] };
    const common = { runtime: Runtime.NODEJS_20_X, architecture: Architecture.ARM_64, bundling };
    const authorizerFn = new NodejsFunction(this, 'AuthorizerFunction', {
      ...common,
      entry: 'deploy/authorizer.ts',
      timeout: Duration.seconds(5),
    });
    const websocketFn = new NodejsFunction(this, 'WebSocketFunction', {
      ...common,
      entry: 'deploy/websocket.ts',
      timeout: Duration.seconds(29),
      memorySize: 512,
    });

    const integration = new WebSocketLambdaIntegration('WebSocketIntegration', websocketFn);
    const api = new WebSocketApi(this, 'WebSocketApi', {
      routeSelectionExpression: '$request.body.action',
      connectRouteOptions: {
        integration,
        authorizer: new WebSocketLambdaAuthorizer('ConnectAuthorizer', authorizerFn, {
          identitySource: ['route.request.querystring.name'],
        }),
      },
      disconnectRouteOptions: { integration },
      // returnResponse: a two-way route, the handler's return value is sent back to the client.
      defaultRouteOptions: { integration, returnResponse: TWO_WAY.has('$default') },
    });
    for (const routeKey of CHAT_ROUTES) {
      api.addRoute(routeKey, { integration, returnResponse: TWO_WAY.has(routeKey) });
    }
    const stage = new WebSocketStage(this, 'Stage', { webSocketApi: api, stageName, autoDeploy: true });

    // execute-api:ManageConnections on …:{api}/{stage}/*/@connections/* (CDK grants every method;
    // the SAM template grants POST only, all this app uses).
    stage.grantManagementApiAccess(websocketFn);
    table.grantReadWriteData(websocketFn);
    websocketFn.addEnvironment('STORE', 'dynamodb');
    websocketFn.addEnvironment('TABLE_NAME', table.tableName);
    websocketFn.addEnvironment('WS_ENDPOINT', stage.callbackUrl);

    new CfnOutput(this, 'WebSocketUrl', { value: Fn.join('', [stage.url, '?name=<your-name>']) });
    new CfnOutput(this, 'ManagementEndpoint', { value: stage.callbackUrl });
  }
}

new ChatStack(new App(), 'WsappChat');
