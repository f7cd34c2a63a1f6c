import { type IncludeOptions, WebSocketApp, WebSocketRouter } from '@wsapp/core';
import { messageEvent } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './helpers.js';

// The README: include() "with a prefix starting with `$` … throws TypeError and registers
// nothing" (`{ prefix: '$' }` would turn a route `connect` into `$connect`). An options object
// whose `prefix` answers differently on each read must not pass the check with one value and
// register with another: the prefix is read once and that value is checked and used.
function shifty(values: readonly string[]): { options: IncludeOptions; reads: () => number } {
  let n = 0;
  const options = {
    get prefix() {
      const value = values[Math.min(n, values.length - 1)] as string;
      n++;
      return value;
    },
  };
  return { options, reads: () => n };
}

describe('include(router, { prefix }) reads the options once', () => {
  // Every read order the check could use: the first read safe, then '$' from the 2nd, 3rd, … read on.
  it.each([1, 2, 3, 4, 5, 6])(
    'a prefix getter answering "rooms." %i time(s), then "$": no $ key',
    async (safeReads) => {
      const router = new WebSocketRouter().route('connect', { twoWay: true }, () => 'router connect');
      const app = new WebSocketApp({ logger: silentLogger() });
      const { options, reads } = shifty([...Array<string>(safeReads).fill('rooms.'), '$']);
      try {
        app.include(router, options);
      } catch (error) {
        // Refusing is a correct answer too, provided nothing was registered.
        expect(error).toBeInstanceOf(TypeError);
      }
      expect(app.routeKeys).not.toContain('$connect');
      expect(app.twoWayRouteKeys).not.toContain('$connect');
      expect(app.routeKeys.filter((k) => k.startsWith('$'))).toEqual([]);
      expect(reads()).toBe(1);
      // What was checked is what is used: the route answers under the prefix read once.
      const res = await app.resolve(messageEvent({}, { routeKey: 'rooms.connect' }));
      expect(res.body).toBe('router connect');
    },
  );

  it('a getter answering "$" first is refused, and nothing is registered', () => {
    const router = new WebSocketRouter().route('connect', () => 'x');
    const app = new WebSocketApp({ logger: silentLogger() });
    const { options, reads } = shifty(['$', 'rooms.']);
    expect(() => app.include(router, options)).toThrow(TypeError);
    expect(reads()).toBe(1);
    expect(app.routeKeys).toEqual([]);
  });

  it('a prefix read later (compiling the routes, a route registered afterwards) is the value read at include()', async () => {
    const router = new WebSocketRouter().route('a', () => 'a');
    const app = new WebSocketApp({ logger: silentLogger() });
    const { options } = shifty(['rooms.', '$']);
    app.include(router, options);
    router.route('connect', () => 'late');
    expect(app.routeKeys.sort()).toEqual(['rooms.a', 'rooms.connect']);
    expect((await app.resolve(messageEvent({}, { routeKey: 'rooms.connect' }))).body).toBe('late');
  });
});
