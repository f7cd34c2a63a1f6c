import type { Logger } from '@wsapp/core';
import { serve } from '@wsapp/local';
import { createTickerApp } from './app.js';
import { eventBridgeEvent } from './aws-events.js';
import { createPriceBroadcaster } from './broadcaster.js';
import { localAuthorizer } from './local-authorizer.js';
import { createNotifier } from './notify.js';
import { PriceFeed } from './price-feed.js';
import { PRICE_DETAIL_TYPE, PRICE_SOURCE } from './prices.js';
import { createStore } from './store.js';
import { TickerClient } from './ticker-client.js';
import { issueToken } from './token.js';

// The ticker on the local API Gateway emulator: a timer plays the EventBridge price events
// through the broadcaster handler, exactly as the deployed broadcaster Lambda receives them.
const demo = process.argv.includes('--demo');
const secret = process.env.TOKEN_SECRET ?? 'local-development-secret';
const logger: Logger = { error: console.error, warn: console.warn }; // no per-tick info logs

const app = createTickerApp({ store: await createStore(), logger });
const server = await serve(app, {
  host: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? (demo ? 0 : 3002)),
  authorizer: localAuthorizer(secret),
  logger,
});
const broadcaster = createPriceBroadcaster({ messaging: app, logger });
const notify = createNotifier({ messaging: app, logger });
const feed = new PriceFeed({ AMZN: 187.3, MSFT: 411.2, AAPL: 229.9, NVDA: 142.6 });
const timer = setInterval(
  () => {
    for (const tick of feed.tick()) {
      broadcaster.onEvent(eventBridgeEvent(PRICE_DETAIL_TYPE, PRICE_SOURCE, tick)).catch((error: unknown) => {
        console.error('price broadcast failed', error);
      });
    }
  },
  demo ? 200 : 1000,
);

const stop = async () => {
  clearInterval(timer);
  await server.close();
};

if (demo) {
  await runDemo();
  await stop();
} else {
  const token = issueToken('ada', secret);
  console.log(`wsapp ticker (store: ${process.env.STORE ?? 'memory'})`);
  console.log(`  WebSocket URL:        ${server.url}?token=<token>`);
  console.log(`  management endpoint:  ${server.endpoint}`);
  console.log(`  a token for "ada":    ${token}`);
  console.log(`  try:  npx wscat -c "${server.url}?token=${token}"`);
  console.log('        then  {"action":"subscribe","symbols":["AMZN","NVDA"]}');
  process.on('SIGINT', () => void stop().then(() => process.exit(0)));
  process.on('SIGTERM', () => void stop().then(() => process.exit(0)));
}

/** Two users subscribe to different symbols; each sees only its own prices, ada gets a notification. */
async function runDemo(): Promise<void> {
  const ada = await TickerClient.open(`${server.url}?token=${issueToken('ada', secret)}`);
  const bob = await TickerClient.open(`${server.url}?token=${issueToken('bob', secret)}`);
  console.log('ada →', JSON.stringify(await ada.ask({ action: 'subscribe', symbols: ['AMZN'] })));
  console.log('bob →', JSON.stringify(await bob.ask({ action: 'subscribe', symbols: ['MSFT', 'NVDA'] })));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const outcome = await notify({ userId: 'ada', data: { text: 'your AMZN alert fired' } });
  console.log(`notify ada: delivered to ${outcome.report.delivered} connection(s)`);
  await ada.waitFor((m) => (m as { type?: string }).type === 'notification');
  await Promise.all([ada.close(), bob.close()]);
  for (const [name, client] of [
    ['ada', ada],
    ['bob', bob],
  ] as const) {
    const prices = client.received.filter((m) => (m as { type?: string }).type === 'price') as Array<{
      symbol: string;
    }>;
    const symbols = [...new Set(prices.map((p) => p.symbol))].sort().join(', ');
    console.log(`${name} received ${prices.length} prices for ${symbols}`);
  }
}
