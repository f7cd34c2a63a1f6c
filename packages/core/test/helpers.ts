import { vi } from 'vitest';

/** A logger that records calls instead of printing, so tests can assert on what was logged. */
export function silentLogger() {
  return { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
}
