import { z } from 'zod';

/**
 * The work every contender does, defined once so the three implementations stay identical in
 * behaviour: `$connect` checks the authorizer, `subscribe` validates its body with a schema,
 * `ping` reads a field of the parsed body, `$default` answers an error, `$disconnect` does nothing.
 * One middleware around every route measures the handler time into a sink.
 */
export const subscribeSchema = z.object({
  action: z.literal('subscribe'),
  ticker: z.string().min(1).max(12),
});

/** Where the "timing middleware" of every contender adds up handler durations. */
export const sink = { total: 0, calls: 0 };

export function recordTiming(started: number): void {
  sink.total += performance.now() - started;
  sink.calls++;
}

export const UNKNOWN_ACTION = { error: 'unknown action' } as const;
