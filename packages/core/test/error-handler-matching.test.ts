import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as A from '@wsapp/core';
import { messageEvent } from '@wsapp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from './helpers.js';

// The core README, "Which error handler answers": levels first (the route's router, the routers
// around it outwards, then the app), and within a level by exact class, then instanceof, then
// code — "the error's code equals the class's static code … so a wsapp error from another copy of
// the library matches" — each stage in registration order. Attacked here with a real second copy
// of the library (the built dist, loaded from another path) and with classes whose names lie.
let B: typeof A;
let copyDir: string;
beforeAll(async () => {
  const dist = resolve(import.meta.dirname, '../dist');
  expect(existsSync(join(dist, 'index.js')), '@wsapp/core is not built: run pnpm build').toBe(true);
  copyDir = mkdtempSync(join(tmpdir(), 'wsapp-core-copy-'));
  cpSync(dist, join(copyDir, 'dist'), { recursive: true });
  B = (await import(pathToFileURL(join(copyDir, 'dist/index.js')).href)) as typeof A;
  expect(B.WsappError).not.toBe(A.WsappError);
});
afterAll(() => {
  if (copyDir) rmSync(copyDir, { recursive: true, force: true });
});

type Answer = { statusCode: number; message: string | undefined };
async function answer(app: A.WebSocketApp, routeKey = 'x'): Promise<Answer> {
  const res = await app.resolve(messageEvent({}, { routeKey }));
  return { statusCode: res.statusCode, message: JSON.parse(res.body ?? '{}').message };
}
const reply = (status: number, message: string) => () => new A.WebSocketError(status, message);

describe('within a level: exact class, then instanceof, then code, whatever the registration order', () => {
  it('a copy’s error: its exact class before instanceof before the code match registered first', async () => {
    const thrower = () => {
      throw new B.ConnectionNotFoundError('c=');
    };
    const app = () =>
      new A.WebSocketApp({ logger: silentLogger() })
        .errorHandler(A.ConnectionNotFoundError, reply(410, 'code'))
        .errorHandler(B.WsappError, reply(409, 'instanceof'))
        .route('x', thrower);
    expect(await answer(app())).toEqual({ statusCode: 409, message: 'instanceof' });
    expect(await answer(app().errorHandler(B.ConnectionNotFoundError, reply(404, 'exact')))).toEqual({
      statusCode: 404,
      message: 'exact',
    });
  });

  it('only the code stage reaches across copies, and the router’s code match beats the app’s exact class', async () => {
    const router = new A.WebSocketRouter()
      .errorHandler(A.ConnectionNotFoundError, reply(410, 'router: code'))
      .route('x', () => {
        throw new B.ConnectionNotFoundError('c=');
      });
    const app = new A.WebSocketApp({ logger: silentLogger() })
      .errorHandler(B.ConnectionNotFoundError, reply(404, 'app: exact'))
      .include(router);
    expect(await answer(app)).toEqual({ statusCode: 410, message: 'router: code' });
  });
});

describe('the code stage matches by brand and static code, never by name', () => {
  it('a subclass without its own static code never takes its parent’s errors of another copy', async () => {
    class Conflict extends A.WebSocketError {}
    let called = false;
    const app = new A.WebSocketApp({ logger: silentLogger() })
      .errorHandler(Conflict, () => {
        called = true;
        return new A.WebSocketError(418, 'conflict handler');
      })
      .route('x', () => {
        throw new B.WebSocketError(409, 'seat taken');
      });
    expect(await answer(app)).toEqual({ statusCode: 409, message: 'seat taken' });
    expect(called).toBe(false);
  });

  it('a class of your own with a static code matches its counterpart of another copy', async () => {
    class RoomFullError extends A.WsappError {
      static override readonly code = 'RoomFull';
      constructor() {
        super(RoomFullError.code, 'room full');
      }
    }
    class RoomFullErrorOfB extends B.WsappError {
      static override readonly code = 'RoomFull';
      constructor() {
        super(RoomFullErrorOfB.code, 'room full');
      }
    }
    const app = new A.WebSocketApp({ logger: silentLogger() })
      .errorHandler(RoomFullError, reply(409, 'room full'))
      .route('x', () => {
        throw new RoomFullErrorOfB();
      });
    expect(await answer(app)).toEqual({ statusCode: 409, message: 'room full' });
  });

  it('errorHandler(WsappError) takes every wsapp error of any copy, and nothing else', async () => {
    const app = new A.WebSocketApp({ logger: silentLogger() })
      .errorHandler(A.WsappError, (e) => new A.WebSocketError(422, `wsapp ${e.code}`))
      .route('x', () => {
        throw new B.InvalidCursorError();
      })
      .route('plain', () => {
        throw Object.assign(new Error('a library error'), { code: 'InvalidCursor' });
      });
    expect(await answer(app)).toEqual({ statusCode: 422, message: 'wsapp InvalidCursor' });
    expect((await answer(app, 'plain')).statusCode).toBe(500);
  });

  it('a class named like a wsapp error, without its code, matches no wsapp error by code', async () => {
    // What a minifier or a second library can do: a class whose name is another's.
    class Gone extends Error {}
    Object.defineProperty(Gone, 'name', { value: 'ConnectionNotFoundError' });
    const app = new A.WebSocketApp({ logger: silentLogger() })
      .errorHandler(Gone, reply(410, 'gone'))
      .route('x', () => {
        throw new B.ConnectionNotFoundError('c=');
      });
    expect((await answer(app)).statusCode).toBe(500);
  });

  it('an error that is not a wsapp error is not matched by the code it carries', async () => {
    const app = new A.WebSocketApp({ logger: silentLogger() })
      .errorHandler(A.StoreUnavailableError, reply(503, 'store down'))
      .route('x', () => {
        throw Object.assign(new Error('socket hang up'), { code: 'StoreUnavailable' });
      });
    expect((await answer(app)).statusCode).toBe(500);
  });

  it('every wsapp error class of core has its own static code, the code its errors carry', () => {
    const classes = Object.values(A).filter(
      (v): v is typeof A.WsappError => typeof v === 'function' && v.prototype instanceof A.WsappError,
    );
    expect(classes.length).toBeGreaterThanOrEqual(20);
    for (const c of classes) {
      expect(Object.hasOwn(c, 'code'), c.name).toBe(true);
      expect(typeof c.code, c.name).toBe('string');
    }
    expect(new A.InvalidChannelError('', 'empty').code).toBe(A.InvalidChannelError.code);
    expect(new A.WebSocketError(400, 'x').code).toBe(A.WebSocketError.code);
  });
});
