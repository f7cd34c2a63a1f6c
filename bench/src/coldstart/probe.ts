/**
 * Runs inside a fresh process: loads a CommonJS bundle of a minimal app while recording every
 * module `require`d (the bundle's externals included), routes its events, and reports whether
 * the AWS SDK was loaded. With `--send`, then calls messaging once (the positive control: the SDK
 * must appear then, proving the recording works).
 *
 *   node dist/coldstart/probe.js <bundle.cjs> [--send]
 */
import Module, { createRequire } from 'node:module';

const loaded = new Set<string>();
type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleWithLoad = Module as unknown as { _load: Loader };
const original = moduleWithLoad._load;
moduleWithLoad._load = function load(request, parent, isMain) {
  loaded.add(request);
  return original.call(this, request, parent, isMain);
};

const [bundle, flag] = process.argv.slice(2);
if (bundle === undefined) throw new Error('usage: probe.js <bundle.cjs> [--send]');
const started = performance.now();
const app = createRequire(import.meta.url)(bundle) as {
  handler: (event: unknown, context: unknown) => Promise<{ statusCode: number }>;
  events: unknown[];
  sendProbe?: (id: string) => Promise<unknown>;
};
const context = { awsRequestId: 'r1', getRemainingTimeInMillis: () => 3000 };
const statuses: number[] = [];
for (const event of app.events) statuses.push((await app.handler(event, context)).statusCode);
const firstResponseMs = performance.now() - started;
const sdk = (set: Set<string>) => [...set].filter((r) => /@aws-sdk\/|@smithy\//.test(r));
const afterRouting = sdk(loaded);
let afterSend: string[] | undefined;
if (flag === '--send' && app.sendProbe) {
  await app.sendProbe('L0SM9cOFvHcCIhw=').catch(() => undefined);
  afterSend = sdk(loaded);
}
process.stdout.write(
  `RESULT ${JSON.stringify({ statuses, firstResponseMs, sdkAfterRouting: afterRouting, sdkAfterSend: afterSend, requires: [...loaded] })}\n`,
);
