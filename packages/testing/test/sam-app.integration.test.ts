import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SamApp, samApp } from '@wsapp/testing/sam';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { alive } from './process-alive.js';

// samApp on a small template of its own (test/fixtures/sam-app): the bundle reports what it was
// given at run time, so each thing samApp stands in for is checked from inside the function.
const template = new URL('./fixtures/sam-app/template.yaml', import.meta.url);
const routes = { routeKeys: ['probe'], twoWayRouteKeys: ['probe'] };

/** Connects to `url`; answers the first frame after sending `message`, or the refusal. */
function ask(url: string, message?: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000);
    const done = (value: unknown) => {
      clearTimeout(timer);
      // A refused upgrade is closed already (closing it again re-enters the error event).
      if (socket.readyState === WebSocket.OPEN) socket.close();
      resolve(value);
    };
    socket.onopen = () => (message === undefined ? done('open') : socket.send(JSON.stringify(message)));
    socket.onmessage = (event) => done(JSON.parse(String(event.data)));
    socket.onerror = () => done('refused');
  });
}

describe('samApp', () => {
  let sam: SamApp;

  beforeAll(async () => {
    sam = await samApp({
      template,
      stackName: 'wsapp-probe',
      app: 'AppFunction',
      authorizer: 'AuthorizerFunction',
      routes,
      dynamodb: inject('wsappDynamoDB'),
      secrets: ['Secret'],
      environment: (resolved) => ({ EXTRA: `extra for ${resolved.TABLE_NAME}` }),
    });
  }, 120_000);

  afterAll(() => sam?.close());

  it('builds every function of the template, each in its own directory of outdir', () => {
    expect([...sam.built.keys()].sort()).toEqual(['AppFunction', 'AuthorizerFunction', 'IdleFunction']);
    expect(sam.built.get('AppFunction')?.file).toBe(join(sam.outdir, 'AppFunction', 'app.js'));
    expect(sam.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/probe-stage$/);
  });

  it('resolves the template’s environment against the table and the secret it made', () => {
    expect(sam.environment).toEqual({
      TABLE_NAME: sam.table('Table'),
      SECRET_ARN: sam.secret('Secret').arn,
      REGION: inject('wsappDynamoDB').region,
    });
    expect(sam.secret('Secret').value).toMatch(/^[0-9a-f]{64}$/);
    expect(() => sam.table('Secret')).toThrow(/no table Secret/);
  });

  it('runs the bundle with that environment, the emulator’s endpoint and the table as the template defines it', async () => {
    expect(await ask(sam.url)).toBe('refused');
    expect(await ask(`${sam.url}?name=ada`, { action: 'probe' })).toEqual({
      environment: {
        TABLE_NAME: sam.table('Table'),
        SECRET_ARN: sam.secret('Secret').arn,
        REGION: inject('wsappDynamoDB').region,
        WS_ENDPOINT: sam.endpoint,
        AWS_LAMBDA_FUNCTION_NAME: 'wsapp-probe-AppFunction',
        EXTRA: `extra for ${sam.table('Table')}`,
      },
      ttl: 'expiresAt',
    });
  });

  it('close() stops the process and the Secrets Manager stand-in and removes outdir, once', async () => {
    const endpoint = sam.secretsManager?.endpoint ?? '';
    expect(alive(sam.pid)).toBe(true);
    await sam.close();
    expect(alive(sam.pid)).toBe(false);
    expect(existsSync(sam.outdir)).toBe(false);
    await expect(fetch(endpoint, { method: 'POST' })).rejects.toThrow();
    await sam.close();
  });
});

describe('samApp on failure', () => {
  it('refuses two served functions whose variables clash, and leaves nothing behind', async () => {
    const leftovers = () => readdirSync(tmpdir()).filter((name) => name.startsWith('wsapp-clash-sam-'));
    const before = leftovers();
    await expect(
      samApp({
        template,
        stackName: 'wsapp-clash',
        app: 'AppFunction',
        authorizer: 'IdleFunction',
        routes,
        values: { resources: { Table: 'table', Secret: 'secret' } },
      }),
    ).rejects.toThrow('IdleFunction: TABLE_NAME differs from the other served function’s');
    expect(leftovers()).toEqual(before);
  }, 120_000);
});
