import { WebSocketApp, WebSocketError, WsappError } from '@wsapp/core';
import { connectEvent, disconnectEvent, messageEvent } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './helpers.js';

describe('errors', () => {
  it('rejects $connect with the status of a thrown WebSocketError', async () => {
    const app = new WebSocketApp({ logger: silentLogger() }).onConnect((ctx) => {
      if (!ctx.authorizer?.principalId) throw new WebSocketError(401, 'unauthorized');
    });
    const rejected = await app.resolve(connectEvent({ requestId: 'r' }));
    expect(rejected).toEqual({ statusCode: 401, body: '{"message":"unauthorized","requestId":"r"}' });
    expect((await app.resolve(connectEvent({ authorizer: { principalId: 'u' } }))).statusCode).toBe(200);
  });

  it('answers 500 with a generic body for unhandled errors and logs them with ids', async () => {
    const logger = silentLogger();
    const secret = new Error('db password is hunter2');
    const app = new WebSocketApp({ logger }).route('boom', () => {
      throw secret;
    });
    const res = await app.resolve(messageEvent({ action: 'boom' }, { connectionId: 'c1=', requestId: 'r1' }));
    expect(res).toEqual({ statusCode: 500, body: '{"message":"Internal server error","requestId":"r1"}' });
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('at ');
    expect(logger.error).toHaveBeenCalledWith('wsapp: unhandled error in handler', {
      connectionId: 'c1=',
      routeKey: 'boom',
      requestId: 'r1',
      error: secret,
    });
  });

  it('hides the message of 5xx WebSocketErrors unless expose is set', async () => {
    const app = new WebSocketApp({ logger: silentLogger() })
      .route('hidden', () => {
        throw new WebSocketError(503, 'redis at 10.0.0.7 is down');
      })
      .route('shown', () => {
        throw new WebSocketError(503, 'maintenance until 10:00', { expose: true });
      })
      .route('quiet4xx', () => {
        throw new WebSocketError(403, 'user 7 lacks role admin', { expose: false });
      });
    const hidden = await app.resolve(messageEvent({ action: 'hidden' }));
    expect(hidden.statusCode).toBe(503);
    expect(JSON.parse(hidden.body ?? '').message).toBe('Internal server error');
    expect(JSON.parse((await app.resolve(messageEvent({ action: 'shown' }))).body ?? '').message).toBe(
      'maintenance until 10:00',
    );
    expect(JSON.parse((await app.resolve(messageEvent({ action: 'quiet4xx' }))).body ?? '').message).toBe(
      'Forbidden',
    );
  });

  it('sends details with exposed errors without letting them override the message', async () => {
    const app = new WebSocketApp({ logger: silentLogger() }).route('x', () => {
      throw new WebSocketError(409, 'taken', { details: { field: 'name', message: 'overridden?' } });
    });
    const body = JSON.parse((await app.resolve(messageEvent({ action: 'x' }))).body ?? '');
    expect(body).toMatchObject({ field: 'name', message: 'taken' });
  });

  it('lets onError map errors to statuses or answers, or fall back to the default', async () => {
    class NotFound extends Error {}
    const logger = silentLogger();
    const app = new WebSocketApp({ logger })
      .onError((err) => {
        if (err instanceof NotFound) return new WebSocketError(404, 'no such room');
        if (err instanceof RangeError) return { error: 'out of range' };
        return undefined;
      })
      .route('nf', () => {
        throw new NotFound();
      })
      .route('range', () => {
        throw new RangeError('x');
      })
      .route('other', () => {
        throw new TypeError('y');
      });
    expect((await app.resolve(messageEvent({ action: 'nf' }))).statusCode).toBe(404);
    // A value answers as the body with the original error's status: 500 for a plain error.
    expect(await app.resolve(messageEvent({ action: 'range' }))).toEqual({
      statusCode: 500,
      body: '{"error":"out of range"}',
    });
    expect((await app.resolve(messageEvent({ action: 'other' }))).statusCode).toBe(500);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('survives an onError handler that throws', async () => {
    const app = new WebSocketApp({ logger: silentLogger() })
      .onError(() => {
        throw new Error('handler bug');
      })
      .route('x', () => {
        throw new Error('original');
      });
    expect((await app.resolve(messageEvent({ action: 'x' }))).statusCode).toBe(500);
  });

  it('answers 500 when $disconnect fails, and logs it', async () => {
    const logger = silentLogger();
    const app = new WebSocketApp({ logger }).onDisconnect(() => {
      throw new Error('cleanup failed');
    });
    expect((await app.resolve(disconnectEvent())).statusCode).toBe(500);
    expect(logger.error).toHaveBeenCalled();
  });

  it('WebSocketError validates its status and carries a stable code', () => {
    expect(() => new WebSocketError(200, 'ok')).toThrow(RangeError);
    const err = new WebSocketError(401, 'x');
    expect(err).toBeInstanceOf(WsappError);
    expect(err.code).toBe('WebSocketError');
    expect(err.name).toBe('WebSocketError');
    expect(err.expose).toBe(true);
    expect(new WebSocketError(500, 'x').expose).toBe(false);
  });
});
