import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type LocalServer, serve } from '@wsapp/local';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { type NetworkDrop, startNetworkDrop } from '@wsapp/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createChatApp } from '../src/app.js';
import { nameAuthorizer } from '../src/authorizer.js';
import { chatSessions } from '../src/sessions.js';
import { siteHandler } from '../src/static-site.js';

// Debian's Chromium (installed by .ci/run); Playwright cannot download browsers here.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI)
  throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
const outputDir = join(import.meta.dirname, '..', 'test-output');

describe.skipIf(!available)(`chat page in two browser pages (${CHROMIUM})`, () => {
  let browser: Browser;
  let server: LocalServer;

  /**
   * Starts the chat as `pnpm start` does (sessions with the local dev key, room history) on a fresh
   * memory store (a restarted server remembers nothing) on `port`.
   */
  async function startChat(port = 0): Promise<LocalServer> {
    let url = '';
    const started = await serve(
      createChatApp({
        store: new MemoryConnectionStore(),
        sessions: chatSessions({}),
        logger: { error: vi.fn(), warn: vi.fn() },
      }),
      { port, authorizer: nameAuthorizer, httpHandler: siteHandler(() => url) },
    );
    url = started.url;
    return started;
  }

  beforeAll(async () => {
    server = await startChat();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A page connected as `name` (through `wsUrl` when given), in the lobby. */
  async function joinAs(name: string, wsUrl?: string): Promise<Page> {
    const page = await browser.newPage();
    const query = wsUrl === undefined ? '' : `?ws=${encodeURIComponent(wsUrl)}`;
    await page.goto(`http://${server.domainName}/${query}`);
    await page.fill('#name', name);
    await page.click('#connect');
    await expect.poll(() => page.textContent('#status')).toBe(`connected as ${name}`);
    await page.fill('#room', 'lobby');
    await page.click('#join');
    await expect.poll(() => page.textContent('#log')).toContain('you joined lobby');
    return page;
  }

  it('a message sent from one page appears in the other', async () => {
    const ada = await joinAs('ada');
    const bob = await joinAs('bob');
    await expect.poll(() => ada.textContent('#log')).toContain('bob joined lobby');

    await ada.fill('#text', 'hello from ada');
    await ada.click('#send');
    await expect.poll(() => bob.textContent('#log')).toContain('ada: hello from ada');
    expect(await ada.textContent('#log')).toContain('me: hello from ada');

    await bob.fill('#text', '<b>not bold</b>');
    await bob.click('#send');
    await expect.poll(() => ada.textContent('#log')).toContain('bob: <b>not bold</b>');
    expect(await ada.locator('#log b').count()).toBe(0); // rendered as text, never as HTML

    mkdirSync(outputDir, { recursive: true });
    await bob.screenshot({ path: join(outputDir, 'chat-bob.png'), fullPage: true });
    expect(existsSync(join(outputDir, 'chat-bob.png'))).toBe(true);
  });

  it('both pages reconnect after the server restarts, re-join the room and keep chatting', async () => {
    const carol = await joinAs('carol');
    const dave = await joinAs('dave');
    await expect.poll(() => carol.textContent('#log')).toContain('dave joined lobby');
    const port = server.port;
    await server.close(); // 1001 Going away to both pages, then nothing listens
    await expect.poll(() => carol.textContent('#status')).toMatch(/^reconnecting \(attempt \d+/);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // refused attempts meanwhile
    server = await startChat(port);
    for (const page of [carol, dave]) {
      await expect
        .poll(() => page.textContent('#log'), { timeout: 15_000 })
        .toContain('reconnected, back in lobby');
      await expect.poll(() => page.textContent('#status')).toMatch(/^connected as /);
    }
    // The new server knows the room again only because each page re-joined it on its own.
    await carol.fill('#text', 'still here after the restart');
    await carol.click('#send');
    await expect.poll(() => dave.textContent('#log')).toContain('carol: still here after the restart');

    mkdirSync(outputDir, { recursive: true });
    await dave.screenshot({ path: join(outputDir, 'chat-reconnected.png'), fullPage: true });
    expect(existsSync(join(outputDir, 'chat-reconnected.png'))).toBe(true);
  });

  it('a page whose network drops resumes its session: every missed message once, in order, then new ones', async () => {
    // The page reaches the server through a TCP relay; dropping it resets the page's socket (no
    // close frame, 1006) and refuses its reconnects until the network is back.
    const net: NetworkDrop = await startNetworkDrop(server.port);
    try {
      const erin = await joinAs('erin', net.via(server.url));
      const frank = await joinAs('frank');
      await expect.poll(() => erin.textContent('#log')).toContain('frank joined lobby');
      await say(frank, 'hello erin');
      await expect.poll(() => erin.textContent('#log')).toContain('frank: hello erin');
      await say(erin, 'before the drop'); // the last message of the room erin saw is her own
      await expect.poll(() => frank.textContent('#log')).toContain('erin: before the drop');

      net.drop({ refuse: true });
      await expect.poll(() => erin.textContent('#status')).toMatch(/^reconnecting \(attempt \d+/);
      await expect.poll(() => frank.textContent('#log')).toContain('erin left lobby'); // the server saw her go
      const missed = [1, 2, 3, 4, 5].map((n) => `missed ${n}`);
      for (const text of missed) await say(frank, text);
      net.restore();

      await expect
        .poll(() => erin.textContent('#log'), { timeout: 15_000 })
        .toContain('reconnected, back in lobby');
      await say(frank, 'after the return');
      await expect.poll(() => erin.textContent('#log')).toContain('frank: after the return');
      await say(erin, 'back without joining');
      await expect.poll(() => frank.textContent('#log')).toContain('erin: back without joining');

      const lines = await erin.locator('#log div').allTextContents();
      expect(lines.filter((l) => l.startsWith('frank: '))).toEqual(
        ['hello erin', ...missed, 'after the return'].map((t) => `frank: ${t}`),
      );
      // Her own message replayed by the resume is not shown again; nor her own "left".
      expect(lines.filter((l) => l.includes('before the drop'))).toEqual(['me: before the drop']);
      expect(lines.filter((l) => l.startsWith('erin '))).toEqual([]);
      // The session put her back in the room: she did not join it again.
      const frankLines = await frank.locator('#log div').allTextContents();
      expect(frankLines.filter((l) => l === 'erin joined lobby')).toEqual([]);
      expect(await erin.evaluate('Object.keys(sessionStorage)')).toEqual(['wsapp-chat-session:erin']);

      mkdirSync(outputDir, { recursive: true });
      await erin.screenshot({ path: join(outputDir, 'chat-resumed.png'), fullPage: true });
      expect(existsSync(join(outputDir, 'chat-resumed.png'))).toBe(true);
    } finally {
      await net.close();
    }
  });
});

/** Types `text` into the page's message box and sends it. */
async function say(page: Page, text: string): Promise<void> {
  await page.fill('#text', text);
  await page.click('#send');
  await expect.poll(() => page.textContent('#log')).toContain(`me: ${text}`);
}
