/** Arguments of `transport/run.js`: messages, rounds, sockets, socket rounds, latency (ms). */
export function transportArgs(quick: boolean): string[] {
  return quick ? ['1000', '3', '1000', '1', '20'] : ['4000', '7', '10000', '2', '20'];
}
