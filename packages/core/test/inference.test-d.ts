import {
  type AppMiddleware,
  InvalidChannelError,
  NoStoreError,
  WebSocketApp,
  type WebSocketContext,
  WebSocketRouter,
} from '@wsapp/core';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

interface State {
  user?: { id: string };
  started: number;
}
interface Authorizer {
  principalId: string;
  tenant: 'a' | 'b';
}

describe('body inference', () => {
  it('types ctx.body as the schema output, not its input', () => {
    const schema = z.object({ ticker: z.string(), qty: z.string().transform((s) => Number(s)) });
    new WebSocketApp().route('order', { body: schema }, (ctx) => {
      expectTypeOf(ctx.body).toEqualTypeOf<{ ticker: string; qty: number }>();
      expectTypeOf(ctx.body).not.toEqualTypeOf<z.input<typeof schema>>();
    });
  });

  it('types ctx.body as unknown without a schema, and on decorators from the schema', () => {
    const app = new WebSocketApp();
    app.route('raw', (ctx) => {
      expectTypeOf(ctx.body).toBeUnknown();
    });
    const decorator = app.route('d', { body: z.object({ n: z.number() }) });
    class Handlers {
      @decorator
      d(ctx: WebSocketContext<{ n: number }>) {
        return ctx.body.n;
      }
    }
    expectTypeOf(Handlers).toBeConstructibleWith();
  });
});

describe('state and authorizer', () => {
  it('types ctx.state and ctx.authorizer from the app type parameters, in handlers and middleware', () => {
    const app = new WebSocketApp<State, Authorizer>({
      authorizeJoin: (ctx, channel) => {
        expectTypeOf(ctx.state).toEqualTypeOf<State>();
        expectTypeOf(ctx.authorizer).toEqualTypeOf<Readonly<Authorizer> | undefined>();
        return channel.startsWith(`tenant#${ctx.authorizer?.tenant}`);
      },
    });
    app.use(async (ctx, next) => {
      expectTypeOf(ctx.state.started).toBeNumber();
      return next();
    });
    app.onConnect((ctx) => {
      expectTypeOf(ctx.authorizer?.principalId).toEqualTypeOf<string | undefined>();
      // @ts-expect-error not a field of the declared authorizer
      void ctx.authorizer?.role;
    });
  });

  it('defaults to records when the app declares nothing', () => {
    new WebSocketApp().onConnect((ctx) => {
      expectTypeOf(ctx.authorizer).toEqualTypeOf<Readonly<Record<string, unknown>> | undefined>();
      expectTypeOf(ctx.state).toEqualTypeOf<Record<string, unknown>>();
    });
  });
});

describe('results', () => {
  it('accepts JSON values, strings, nothing, and promises of them', () => {
    interface Quote {
      ticker: string;
      prices: number[];
      at: Date;
    }
    const quote = {} as Quote;
    new WebSocketApp()
      .route('a', () => ({ ok: true, n: 1, list: [1, 'x', null] }))
      .route('b', async () => quote)
      .route('c', () => 'text')
      .route('d', () => undefined)
      .route('e', async () => {})
      .route('f', () => {});
  });

  it('refuses an object holding a promise, a function or a bigint', () => {
    const app = new WebSocketApp();
    const load = async () => 1;
    // @ts-expect-error a promise inside the result would answer {}
    app.route('p', () => ({ price: load() }));
    // @ts-expect-error the same from an async handler
    app.route('q', async () => ({ price: load() }));
    // @ts-expect-error a bigint cannot be serialised
    app.route('r', () => ({ n: 1n }));
    // @ts-expect-error a function is not JSON
    app.route('s', { body: z.object({}) }, () => ({ fn: () => 1 }));
  });
});

describe('router composition', () => {
  it('includes a router of the same state and authorizer, and refuses another', () => {
    const app = new WebSocketApp<State, Authorizer>();
    const rooms = new WebSocketRouter<State, Authorizer>().route('join', (ctx) => {
      expectTypeOf(ctx.authorizer).toEqualTypeOf<Readonly<Authorizer> | undefined>();
      expectTypeOf(ctx.state).toEqualTypeOf<State>();
    });
    app.include(rooms, { prefix: 'rooms.' });
    const other = new WebSocketRouter<{ other: string }>();
    // @ts-expect-error a router with another state type
    app.include(other);
  });

  it('types error handlers by the classes they match', () => {
    new WebSocketApp<State>()
      .errorHandler(NoStoreError, (error, ctx) => {
        expectTypeOf(error).toEqualTypeOf<NoStoreError>();
        expectTypeOf(error.operation).toBeString();
        expectTypeOf(ctx?.state).toEqualTypeOf<State | undefined>();
      })
      .errorHandler([InvalidChannelError, RangeError], (error) => {
        expectTypeOf(error).toEqualTypeOf<InvalidChannelError | RangeError>();
      });
  });

  it('types middleware by the app state', () => {
    const mw: AppMiddleware<State> = async (ctx, next) => {
      expectTypeOf(ctx.state).toEqualTypeOf<State>();
      return next();
    };
    new WebSocketRouter<State>().use(mw);
  });
});

describe('$connect schemas', () => {
  it('types ctx.query and ctx.headers from their schemas’ output', () => {
    new WebSocketApp().onConnect(
      { query: z.object({ v: z.coerce.number() }), headers: z.object({ 'x-api-key': z.string() }) },
      (ctx) => {
        expectTypeOf(ctx.query).toEqualTypeOf<{ v: number }>();
        expectTypeOf(ctx.headers['x-api-key']).toBeString();
      },
    );
    new WebSocketApp().onConnect({}, (ctx) => {
      expectTypeOf(ctx.query).toEqualTypeOf<Readonly<Record<string, string>>>();
    });
  });
});
