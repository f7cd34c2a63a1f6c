import type { ManagementMethod } from '../management/management-method.js';
import { seededRandom } from './prng.js';

/** A fault to inject into `@connections` calls. */
export interface FaultSpec {
  /**
   * The error status to answer, with its AWS error type: 400 `BadRequestException`, 403
   * `ForbiddenException`, 410 `GoneException`, 413 `PayloadTooLargeException`, 429
   * `LimitExceededException`, 5xx `InternalServerErrorException`. Omit it to only add `delayMs`.
   */
  status?: number;
  /** Share of matching calls that fail, 0..1 (default 1: every one). */
  ratio?: number;
  /** Only calls for these connection ids (default: any). */
  connectionIds?: readonly string[];
  /** Only these methods (default: POST, GET and DELETE). */
  methods?: readonly ManagementMethod[];
  /** Delay before answering, in ms (the fault's error, or the real answer when `status` is omitted). */
  delayMs?: number;
  /** How many calls the fault hits before it is removed (default: unlimited). */
  times?: number;
  /** Seed for `ratio`'s random draws: the same seed fails the same calls. Default: `Math.random`. */
  seed?: number;
}

/** A fault that was injected. */
export interface InjectedFault {
  /** How many calls it has hit so far. */
  readonly hits: number;
  /** Removes it. */
  remove(): void;
}

/** The fault-injection hooks of a {@link LocalServer}. */
export interface FaultControls {
  /** Adds a fault; faults are checked in the order they were added and the first hit applies. */
  inject(spec: FaultSpec): InjectedFault;
  /** Removes every fault. */
  clear(): void;
}

/** What a call hit. */
export interface FaultHit {
  status: number | undefined;
  delayMs: number;
}

interface Rule {
  readonly spec: FaultSpec;
  readonly ids: ReadonlySet<string> | undefined;
  readonly random: () => number;
  hits: number;
}

/** Holds the injected faults and decides, per management call, which one applies. */
export class FaultInjector implements FaultControls {
  #rules: Rule[] = [];

  inject(spec: FaultSpec): InjectedFault {
    validate(spec);
    const rule: Rule = {
      spec: { ...spec },
      ids: spec.connectionIds === undefined ? undefined : new Set(spec.connectionIds),
      random: spec.seed === undefined ? Math.random : seededRandom(spec.seed),
      hits: 0,
    };
    this.#rules.push(rule);
    return {
      get hits() {
        return rule.hits;
      },
      remove: () => this.#remove(rule),
    };
  }

  clear(): void {
    this.#rules = [];
  }

  /** The fault this call hits, if any; counts the hit. */
  match(method: ManagementMethod, connectionId: string): FaultHit | undefined {
    for (const rule of this.#rules) {
      const { spec } = rule;
      if (spec.methods !== undefined && !spec.methods.includes(method)) continue;
      if (rule.ids !== undefined && !rule.ids.has(connectionId)) continue;
      if (spec.ratio !== undefined && spec.ratio < 1 && rule.random() >= spec.ratio) continue;
      rule.hits += 1;
      if (spec.times !== undefined && rule.hits >= spec.times) this.#remove(rule);
      return { status: spec.status, delayMs: spec.delayMs ?? 0 };
    }
    return undefined;
  }

  #remove(rule: Rule): void {
    this.#rules = this.#rules.filter((r) => r !== rule);
  }
}

function validate(spec: FaultSpec): void {
  if (spec.status === undefined && spec.delayMs === undefined) {
    throw new TypeError('a fault needs a status, a delayMs, or both');
  }
  if (
    spec.status !== undefined &&
    (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599)
  ) {
    throw new TypeError(`fault status must be a 4xx or 5xx code, got ${spec.status}`);
  }
  if (spec.ratio !== undefined && !(spec.ratio >= 0 && spec.ratio <= 1)) {
    throw new TypeError(`fault ratio must be within 0..1, got ${spec.ratio}`);
  }
  if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times > 0)) {
    throw new TypeError(`fault times must be a positive integer, got ${spec.times}`);
  }
}
