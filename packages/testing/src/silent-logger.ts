import type { Logger } from '@wsapp/core';

/** One line written to a {@link silentLogger}. */
export interface LoggedLine {
  /** The method called. */
  level: 'error' | 'warn' | 'info' | 'debug';
  /** Its message. */
  message: string;
  /** Its further arguments (structured keys, errors). */
  extra: unknown[];
}

/** A logger that prints nothing and keeps every line in {@link SilentLogger.lines}. */
export interface SilentLogger extends Required<Logger> {
  /** Every line written, in order. */
  readonly lines: LoggedLine[];
}

/**
 * A logger for `new WebSocketApp({ logger })` and `serve(app, { logger })` in tests: prints
 * nothing (test output stays readable) and records every line, so a test can still look at
 * what was logged (`logger.lines`). Wrap its methods in `vi.fn` to assert on calls.
 */
export function silentLogger(): SilentLogger {
  const lines: LoggedLine[] = [];
  const write =
    (level: LoggedLine['level']) =>
    (message: string, ...extra: unknown[]): void => {
      lines.push({ level, message, extra });
    };
  return { lines, error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
}
