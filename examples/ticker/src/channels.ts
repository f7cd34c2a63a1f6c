import { z } from 'zod';

/** A ticker symbol: 1-5 capital letters, optionally a class suffix (`BRK.B`). */
export const TickerSymbol = z
  .string()
  .regex(/^[A-Z]{1,5}(\.[A-Z]{1,2})?$/, 'a ticker symbol: 1-5 capital letters, optionally .A-.ZZ');

const TICKER_PREFIX = 'ticker#';
const USER_PREFIX = 'user#';

/** The channel of a ticker symbol's subscribers: `ticker#AMZN`. */
export function tickerChannel(symbol: string): string {
  return TICKER_PREFIX + symbol;
}

/** The channel every connection of one user joins on `$connect`, for direct notifications: `user#u1`. */
export function userChannel(userId: string): string {
  return USER_PREFIX + userId;
}

/** Whether `channel` is `ticker#<valid symbol>`. */
export function isTickerChannel(channel: string): boolean {
  return (
    channel.startsWith(TICKER_PREFIX) && TickerSymbol.safeParse(channel.slice(TICKER_PREFIX.length)).success
  );
}
