import { ConnectionNotFoundError, type ConnectionStore } from '@wsapp/core';
import { wsappErrorOf } from '../wsapp-error-of.js';

/** One store call of a model-based run; `id` indexes the run's connection ids. */
export type ModelOp =
  | { kind: 'register'; id: number; channels: string[]; data: Record<string, unknown> }
  | { kind: 'join' | 'leave' | 'setChannels'; id: number; channels: string[] }
  | { kind: 'update'; id: number; patch: Record<string, unknown> }
  | { kind: 'touch' | 'unregister'; id: number };

/** What a call answered, reduced to what any correct store must agree on. */
export type ModelOutcome = 'ok' | 'not-found' | 'removed' | 'none' | `error: ${string}`;

/** A connection as the model holds it. */
export interface ModelConnection {
  /** Its channels. */
  channels: ReadonlySet<string>;
  /** Its data. */
  data: Readonly<Record<string, unknown>>;
}

/** The model: which connections exist, with their channels and data (index = connection number). */
export type ModelState = ReadonlyArray<ModelConnection | undefined>;

/** Applies one call to the model: the next state and the outcome a correct store answers. */
export function applyOp(state: ModelState, op: ModelOp): { state: ModelState; outcome: ModelOutcome } {
  const next = [...state];
  const current = state[op.id];
  switch (op.kind) {
    case 'register':
      next[op.id] = { channels: new Set(op.channels), data: { ...op.data } };
      return { state: next, outcome: 'ok' };
    case 'unregister':
      next[op.id] = undefined;
      return { state: next, outcome: current === undefined ? 'none' : 'removed' };
    default:
      break;
  }
  // An empty join or leave is a no-op that does not even look the connection up.
  if ((op.kind === 'join' || op.kind === 'leave') && op.channels.length === 0)
    return { state, outcome: 'ok' };
  if (current === undefined) return { state, outcome: 'not-found' };
  switch (op.kind) {
    case 'join':
      next[op.id] = { ...current, channels: new Set([...current.channels, ...op.channels]) };
      break;
    case 'leave': {
      const gone = new Set(op.channels);
      next[op.id] = { ...current, channels: new Set([...current.channels].filter((c) => !gone.has(c))) };
      break;
    }
    case 'setChannels':
      next[op.id] = { ...current, channels: new Set(op.channels) };
      break;
    case 'update': {
      const data: Record<string, unknown> = { ...current.data };
      for (const [key, value] of Object.entries(op.patch)) {
        if (value === null) delete data[key];
        else data[key] = value;
      }
      next[op.id] = { ...current, data };
      break;
    }
    case 'touch':
      break;
  }
  return { state: next, outcome: 'ok' };
}

/** Runs one call against a store and reduces its answer to a {@link ModelOutcome}. */
export async function runOp(
  store: ConnectionStore,
  ids: readonly string[],
  op: ModelOp,
): Promise<ModelOutcome> {
  const id = ids[op.id]!;
  try {
    switch (op.kind) {
      case 'register':
        await store.register(id, { channels: op.channels, data: op.data });
        return 'ok';
      case 'unregister':
        return (await store.unregister(id)) === undefined ? 'none' : 'removed';
      case 'join':
      case 'leave':
      case 'setChannels':
        await store[op.kind](id, op.channels);
        return 'ok';
      case 'update':
        await store.update(id, op.patch);
        return 'ok';
      case 'touch':
        await store.touch(id);
        return 'ok';
    }
  } catch (error) {
    if (wsappErrorOf(ConnectionNotFoundError)(error)) return 'not-found';
    return `error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
}

/**
 * Every state the batch can end in, each with the outcomes it implies, over all orders of the
 * concurrent calls (linearisations). A correct store's answers match one of them.
 */
export function linearisations(
  state: ModelState,
  batch: readonly ModelOp[],
): Array<{ state: ModelState; outcomes: ModelOutcome[] }> {
  const out: Array<{ state: ModelState; outcomes: ModelOutcome[] }> = [];
  const walk = (s: ModelState, left: number[], outcomes: ModelOutcome[]) => {
    if (left.length === 0) {
      out.push({ state: s, outcomes: [...outcomes] });
      return;
    }
    for (const i of left) {
      const { state: after, outcome } = applyOp(s, batch[i]!);
      outcomes[i] = outcome;
      walk(
        after,
        left.filter((j) => j !== i),
        outcomes,
      );
    }
  };
  walk(
    state,
    batch.map((_, i) => i),
    Array<ModelOutcome>(batch.length).fill('none'),
  );
  return out;
}

/** A short, readable description of a call (channel lists summarised), for failure messages. */
export function describeOp(op: ModelOp): string {
  switch (op.kind) {
    case 'register':
    case 'join':
    case 'leave':
    case 'setChannels':
      return `${op.kind}(#${op.id}, ${summarise(op.channels)})`;
    case 'update':
      return `update(#${op.id}, ${JSON.stringify(op.patch)})`;
    default:
      return `${op.kind}(#${op.id})`;
  }
}

function summarise(channels: readonly string[]): string {
  if (channels.length <= 4) return JSON.stringify(channels.map(short));
  return `[${channels.length} channels: ${channels.slice(0, 2).map(short).join(', ')}, …]`;
}

function short(channel: string): string {
  return channel.slice(channel.lastIndexOf(':') + 1);
}
