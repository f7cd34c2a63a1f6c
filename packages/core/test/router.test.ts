import {
  ConnectionNotFoundError,
  InvalidCursorError,
  NoStoreError,
  WebSocketApp,
  WebSocketError,
  WebSocketRouter,
  WsappError,
} from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { connectEvent, messageEvent } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './helpers.js';

const body = async (p: Promise<{ body?: string }>) => JSON.parse((await p).body ?? 'null');

describe('WebSocketRouter and include()', () => {
  it('adds a router’s routes with the prefix on custom keys, and runs its middleware on its routes only', async () => {
    const seen: string[] = [];
    const rooms = new WebSocketRouter()
      .use(async (ctx, next) => {
        seen.push(`rooms-mw:${ctx.routeKey}`);
        return next();
      })
      .route('join', (ctx) => ({ joined: (ctx.body as { room: string }).room }))
      .onDefault(() => 'router default');
    const app = new WebSocketApp({ logger: silentLogger(), routeSelection: '$request.body.action' })
      .use(async (ctx, next) => {
        seen.push(`app-mw:${ctx.routeKey}`);
        return next();
      })
      .route('ping', () => 'pong')
      .include(rooms, { prefix: 'rooms.' });
    expect(app.routeKeys.sort()).toEqual(['$default', 'ping', 'rooms.join']);
    expect(await body(app.resolve(messageEvent({ action: 'rooms.join', room: 'r1' })))).toEqual({
      joined: 'r1',
    });
    expect((await app.resolve(messageEvent({ action: 'ping' }))).body).toBe('pong');
    expect((await app.resolve(messageEvent({ action: 'join' }, { routeKey: '$default' }))).body).toBe(
      'router default',
    );
    expect(seen).toEqual([
      'app-mw:rooms.join',
      'rooms-mw:rooms.join',
      'app-mw:ping',
      'app-mw:$default',
      'rooms-mw:$default',
    ]);
  });

  it('includes routes registered on the router after include(), and nested routers with both prefixes', async () => {
    const inner = new WebSocketRouter();
    const outer = new WebSocketRouter().include(inner, { prefix: 'b.' });
    const app = new WebSocketApp({ logger: silentLogger() }).include(outer, { prefix: 'a.' });
    inner.route('c', () => 'deep');
    expect(app.routeKeys).toEqual(['a.b.c']);
    expect((await app.resolve(messageEvent({}, { routeKey: 'a.b.c' }))).body).toBe('deep');
  });

  it('keeps a router route two-way, with the prefix applied', () => {
    const router = new WebSocketRouter()
      .route('ask', { twoWay: true }, () => 'answer')
      .route('tell', () => undefined);
    const app = new WebSocketApp({ logger: silentLogger() })
      .route('echo', { twoWay: true }, (ctx) => ctx.rawBody)
      .include(router, { prefix: 'q.' });
    expect([...app.twoWayRouteKeys].sort()).toEqual(['echo', 'q.ask']);
  });

  it('refuses at include() a key registered both on the app and in a router', async () => {
    const router = new WebSocketRouter().route('x', () => 'router');
    const app = new WebSocketApp({ logger: silentLogger() }).route('x', () => 'app');
    expect(() => app.include(router)).toThrow(
      new TypeError(
        'include(): the route x would be registered twice (on the app and a router, or on two routers)',
      ),
    );
    expect(app.routeKeys).toEqual(['x']);
    expect((await app.resolve(messageEvent({}, { routeKey: 'x' }))).body).toBe('app');
  });
});

// Issue 26 item 14: a prefix must not make API Gateway's keys, and keys must not clash.
describe('include() refuses what would make or clash with a key', () => {
  it.each(['$', '$x.', '$connect'])(
    'refuses the prefix %j, so `connect` never becomes $connect',
    (prefix) => {
      const router = new WebSocketRouter().route('connect', { twoWay: true }, () => 'hi');
      const app = new WebSocketApp({ logger: silentLogger() });
      expect(() => app.include(router, { prefix })).toThrow(TypeError);
      expect(() => app.include(router, { prefix })).toThrow(/starts with '\$'/);
      expect(app.routeKeys).toEqual([]);
      expect(app.twoWayRouteKeys).toEqual([]);
    },
  );

  it('refuses a nested prefix starting with $ when the inner router is included', () => {
    const inner = new WebSocketRouter().route('default', () => 'x');
    const outer = new WebSocketRouter();
    new WebSocketApp({ logger: silentLogger() }).include(outer, { prefix: '' });
    expect(() => outer.include(inner, { prefix: '$' })).toThrow(/starts with '\$'/);
  });

  it.each([
    ['$connect', (r: WebSocketRouter) => r.onConnect(() => undefined)],
    ['$disconnect', (r: WebSocketRouter) => r.onDisconnect(() => undefined)],
    ['$default', (r: WebSocketRouter) => r.onDefault(() => undefined)],
  ] as const)('refuses a router’s %s when the app has one', (key, register) => {
    const app = new WebSocketApp({ logger: silentLogger() })
      .onConnect(() => undefined)
      .onDisconnect(() => undefined)
      .onDefault(() => undefined);
    const router = new WebSocketRouter();
    register(router);
    expect(() => app.include(router)).toThrow(`the route ${key} would be registered twice`);
  });

  it('refuses a second router bringing a key the first brought, prefixes applied', () => {
    const a = new WebSocketRouter().route('join', () => 'a');
    const b = new WebSocketRouter().route('rooms.join', () => 'b');
    const app = new WebSocketApp({ logger: silentLogger() }).include(a, { prefix: 'rooms.' });
    expect(() => app.include(b)).toThrow('the route rooms.join would be registered twice');
    expect(app.routeKeys).toEqual(['rooms.join']);
  });

  it('refuses a nested include whose keys clash with the app’s, checked from the outermost app', () => {
    const outer = new WebSocketRouter();
    const app = new WebSocketApp({ logger: silentLogger() })
      .route('a.b.c', () => 'app')
      .include(outer, { prefix: 'a.' });
    const inner = new WebSocketRouter().route('c', () => 'inner');
    expect(() => outer.include(inner, { prefix: 'b.' })).toThrow('the route a.b.c would be registered twice');
    expect(app.routeKeys).toEqual(['a.b.c']);
  });

  it('refuses a route registered after include() that clashes, on the app or on the router', () => {
    const rooms = new WebSocketRouter().route('join', () => 'router');
    const app = new WebSocketApp({ logger: silentLogger() }).route('rooms.leave', () => 'app');
    app.include(rooms, { prefix: 'rooms.' });
    expect(() => app.route('rooms.join', () => 'app')).toThrow(
      'a handler for rooms.join is already registered on the app or a router it includes',
    );
    expect(() => rooms.route('leave', () => 'router')).toThrow(
      'a handler for rooms.leave is already registered on the app or a router it includes',
    );
    expect(app.routeKeys.sort()).toEqual(['rooms.join', 'rooms.leave']);
    rooms.route('kick', () => 'router'); // no clash: registered
    expect(app.routeKeys.sort()).toEqual(['rooms.join', 'rooms.kick', 'rooms.leave']);
  });

  it('refuses a router clashing with the automatic resume route of sessions', () => {
    const app = new WebSocketApp({
      logger: silentLogger(),
      store: new MemoryConnectionStore(),
      sessions: { secret: 's'.repeat(32) },
    });
    expect(() => app.include(new WebSocketRouter().route('resume', () => 'mine'))).toThrow(
      'the route resume would be registered twice',
    );
  });

  it('refuses a cycle of routers', () => {
    const a = new WebSocketRouter();
    const b = new WebSocketRouter().include(a, { prefix: 'a.' });
    expect(() => a.include(b, { prefix: 'b.' })).toThrow('a router cannot include itself');
  });
});

describe('errorHandler(ErrorClass, fn)', () => {
  class RoomFull extends Error {}
  class VipRoomFull extends RoomFull {}

  it('within one level, matches by exact class before instanceof', async () => {
    const app = new WebSocketApp({ logger: silentLogger() })
      .errorHandler(RoomFull, () => new WebSocketError(409, 'app: room full'))
      .errorHandler(VipRoomFull, () => new WebSocketError(409, 'app: vip room full'))
      .errorHandler([RangeError, TypeError], (error) => new WebSocketError(422, error.message))
      .route('range', () => {
        throw new RangeError('too far');
      })
      .route('plain-vip', () => {
        throw new VipRoomFull();
      });
    // registered second, but the exact class wins over the earlier instanceof match
    expect((await body(app.resolve(messageEvent({}, { routeKey: 'plain-vip' })))).message).toBe(
      'app: vip room full',
    );
    const range = await app.resolve(messageEvent({}, { routeKey: 'range' }));
    expect(range.statusCode).toBe(422);
    expect(JSON.parse(range.body ?? '').message).toBe('too far');
  });

  // Issue 26 item 11: the README promises a router's handlers are tried before the app's, so the
  // levels come first (innermost router → outer routers → app), the stages within each level.
  it('tries a router’s handler for Error before the app’s exact-class handler', async () => {
    class RoomFullError extends Error {}
    const rooms = new WebSocketRouter()
      .errorHandler(Error, () => new WebSocketError(409, 'router: conflict'))
      .route('join', () => {
        throw new RoomFullError('full');
      });
    const app = new WebSocketApp({ logger: silentLogger() })
      .errorHandler(RoomFullError, () => new WebSocketError(418, 'app: room full'))
      .include(rooms, { prefix: 'rooms.' });
    const res = await app.resolve(messageEvent({}, { routeKey: 'rooms.join' }));
    expect(res.statusCode).toBe(409);
    expect(JSON.parse(res.body ?? '').message).toBe('router: conflict');
  });

  it('tries the inner router before the outer router, whatever stage matches in each', async () => {
    const inner = new WebSocketRouter()
      .errorHandler(RoomFull, () => new WebSocketError(409, 'inner: instanceof'))
      .route('vip', () => {
        throw new VipRoomFull();
      });
    const outer = new WebSocketRouter()
      .errorHandler(VipRoomFull, () => new WebSocketError(409, 'outer: exact class'))
      .include(inner, { prefix: 'inner.' })
      .route('vip', () => {
        throw new VipRoomFull();
      });
    const app = new WebSocketApp({ logger: silentLogger() })
      .errorHandler(VipRoomFull, () => new WebSocketError(409, 'app: exact class'))
      .include(outer, { prefix: 'outer.' });
    expect((await body(app.resolve(messageEvent({}, { routeKey: 'outer.inner.vip' })))).message).toBe(
      'inner: instanceof',
    );
    expect((await body(app.resolve(messageEvent({}, { routeKey: 'outer.vip' })))).message).toBe(
      'outer: exact class',
    );
  });

  it('tries every errorHandler of every level before the catch-alls, innermost catch-all first', async () => {
    const calls: string[] = [];
    const pass = (name: string) => () => {
      calls.push(name);
      return undefined;
    };
    const inner = new WebSocketRouter()
      .onError(pass('inner: onError'))
      .errorHandler(Error, pass('inner: Error'))
      .route('x', () => {
        throw new VipRoomFull();
      });
    const outer = new WebSocketRouter()
      .onError(pass('outer: onError'))
      .errorHandler(VipRoomFull, pass('outer: VipRoomFull'))
      .include(inner);
    const app = new WebSocketApp({ logger: silentLogger() })
      .onError(pass('app: onError'))
      .errorHandler(RoomFull, pass('app: RoomFull'))
      .errorHandler(VipRoomFull, pass('app: VipRoomFull'))
      .include(outer);
    expect((await app.resolve(messageEvent({}, { routeKey: 'x' }))).statusCode).toBe(500);
    expect(calls).toEqual([
      'inner: Error',
      'outer: VipRoomFull',
      'app: VipRoomFull',
      'app: RoomFull',
      'inner: onError',
      'outer: onError',
      'app: onError',
    ]);
  });

  it('matches a router’s handler by code before the app’s exact class', async () => {
    class ConnectionNotFoundErrorCopy extends WsappError {
      constructor() {
        super('ConnectionNotFound', 'copy');
      }
    }
    const router = new WebSocketRouter()
      .errorHandler(ConnectionNotFoundError, () => new WebSocketError(410, 'router: by code'))
      .route('x', () => {
        throw new ConnectionNotFoundErrorCopy();
      });
    const app = new WebSocketApp({ logger: silentLogger() })
      .errorHandler(ConnectionNotFoundErrorCopy, () => new WebSocketError(404, 'app: exact class'))
      .include(router);
    expect((await body(app.resolve(messageEvent({}, { routeKey: 'x' })))).message).toBe('router: by code');
  });

  it('a router’s handlers do not apply to the app’s routes', async () => {
    const router = new WebSocketRouter().errorHandler(RoomFull, () => new WebSocketError(409, 'full'));
    const app = new WebSocketApp({ logger: silentLogger() })
      .route('x', () => {
        throw new RoomFull();
      })
      .include(router);
    expect((await app.resolve(messageEvent({}, { routeKey: 'x' }))).statusCode).toBe(500);
  });

  it('matches by code when the class comes from another copy of the library', async () => {
    // What a second bundle's ConnectionNotFoundError looks like: same name and code, another class.
    class ConnectionNotFoundErrorCopy extends WsappError {
      constructor() {
        super('ConnectionNotFound', 'copy');
      }
    }
    const app = new WebSocketApp({ logger: silentLogger() })
      .errorHandler(ConnectionNotFoundError, (error) => new WebSocketError(410, `gone: ${error.code}`))
      .route('x', () => {
        throw new ConnectionNotFoundErrorCopy();
      });
    const res = await app.resolve(messageEvent({}, { routeKey: 'x' }));
    expect(res.statusCode).toBe(410);
    expect(JSON.parse(res.body ?? '').message).toBe('gone: ConnectionNotFound');
  });

  it('falls through to the next handler, then onError, when a handler returns undefined', async () => {
    const calls: string[] = [];
    const app = new WebSocketApp({ logger: silentLogger() })
      .errorHandler(InvalidCursorError, () => {
        calls.push('class');
        return undefined;
      })
      .onError(() => {
        calls.push('catch-all');
        return new WebSocketError(400, 'bad cursor');
      })
      .route('x', () => {
        throw new InvalidCursorError();
      });
    expect((await app.resolve(messageEvent({}, { routeKey: 'x' }))).statusCode).toBe(400);
    expect(calls).toEqual(['class', 'catch-all']);
  });

  it('handles the same NoStoreError from ctx.join and from a channel broadcast', async () => {
    const app = new WebSocketApp({ logger: silentLogger() })
      .errorHandler(NoStoreError, (error) => new WebSocketError(501, error.operation, { expose: true }))
      .route('join', (ctx) => ctx.join('room'))
      .route('broadcast', (ctx) => ctx.broadcast({ channels: ['room'] }, 'hi'));
    const join = await app.resolve(messageEvent({}, { routeKey: 'join' }));
    const broadcast = await app.resolve(messageEvent({}, { routeKey: 'broadcast' }));
    expect([join.statusCode, broadcast.statusCode]).toEqual([501, 501]);
    expect(JSON.parse(join.body ?? '').message).toBe('ctx.join()');
    expect(JSON.parse(broadcast.body ?? '').message).toBe('broadcast to channels');
  });

  it('keeps a rejected $connect rejected when a class handler answers a value', async () => {
    const app = new WebSocketApp({ logger: silentLogger() })
      .errorHandler(WebSocketError, () => ({ reason: 'see docs' }))
      .onConnect(() => {
        throw new WebSocketError(403, 'forbidden');
      });
    expect(await app.resolve(connectEvent())).toEqual({ statusCode: 403, body: '{"reason":"see docs"}' });
  });
});

describe('route decorators misuse', () => {
  it('reports a decorator created but never applied at the first resolve()', async () => {
    const logger = silentLogger();
    const app = new WebSocketApp({ logger });
    app.route('forgotten', {});
    await app.resolve(messageEvent({}, { routeKey: '$default' }));
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(/forgotten was created but never applied/),
    );
    await app.resolve(messageEvent({}, { routeKey: '$default' }));
    expect(logger.error.mock.calls.filter(([m]) => String(m).includes('forgotten'))).toHaveLength(1);
  });
});
