import { App } from 'aws-cdk-lib';
import { ChatStack } from './chat-stack.js';

// `pnpm --filter @wsapp/example-chat synth` runs this file: the cloud assembly goes to CDK_OUTDIR
// (set by the CDK CLI, or by you), else ./cdk.out. The stack is environment-agnostic: the region
// and account come from the CLI's credentials at deploy time.
const app = new App({ outdir: process.env.CDK_OUTDIR ?? 'cdk.out' });
new ChatStack(app, process.env.WSAPP_CHAT_STACK ?? 'WsappChat');
app.synth();
