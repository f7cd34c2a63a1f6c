/** Close codes the emulator uses when it closes a connection itself. */
export const CloseCodes = {
  normal: 1000,
  goingAway: 1001,
  noStatus: 1005,
  abnormal: 1006,
  unsupportedData: 1003,
  messageTooBig: 1009,
} as const;

/**
 * `disconnectReason` texts. 1000 (backend DELETE), 1001 (idle timeout / max duration) and 1005 are
 * the texts API Gateway reports; the others are the emulator's own wording.
 */
const REASONS: Record<number, string> = {
  1000: 'Connection Closed Normally',
  1001: 'Going away',
  1003: 'Unsupported data',
  1005: 'Client-side close frame status not set',
  1006: 'Connection closed abnormally',
  1009: 'Message too big',
};

/** The reason reported in `$disconnect`: the close frame's own text, else the code's usual text. */
export function disconnectReason(code: number, reason: string): string {
  return reason.length > 0 ? reason : (REASONS[code] ?? `Connection closed with status ${code}`);
}
