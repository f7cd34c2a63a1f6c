import { z } from 'zod';
import { TickerSymbol } from './channels.js';

/** The `detail-type` of price events on the EventBridge bus. */
export const PRICE_DETAIL_TYPE = 'PriceTick';
/** The `source` of price events on the EventBridge bus. */
export const PRICE_SOURCE = 'ticker.prices';

/** A price update: the EventBridge `detail`, or an SQS message body. */
export const PriceTick = z.object({
  symbol: TickerSymbol,
  price: z.number().positive(),
  /** ISO-8601 time of the quote; defaults to the event's time. */
  at: z.string().optional(),
});

/** A validated price update. */
export type PriceTick = z.infer<typeof PriceTick>;

/** What subscribers receive for a price update. */
export interface PriceMessage {
  type: 'price';
  symbol: string;
  price: number;
  at: string;
}

/** The message pushed to subscribers of `tick.symbol`. */
export function priceMessage(tick: PriceTick, fallbackTime: string): PriceMessage {
  return { type: 'price', symbol: tick.symbol, price: tick.price, at: tick.at ?? fallbackTime };
}
