/** Simulated quotes: a random walk per symbol, rounded to cents. */
export class PriceFeed {
  readonly #prices = new Map<string, number>();
  readonly #random: () => number;

  constructor(start: Record<string, number>, random: () => number = Math.random) {
    for (const [symbol, price] of Object.entries(start)) this.#prices.set(symbol, price);
    this.#random = random;
  }

  /** Moves every price by up to ±0.5 % and answers the new quotes. */
  tick(): Array<{ symbol: string; price: number }> {
    return [...this.#prices].map(([symbol, price]) => {
      const next = Math.max(0.01, Math.round(price * (1 + (this.#random() - 0.5) / 100) * 100) / 100);
      this.#prices.set(symbol, next);
      return { symbol, price: next };
    });
  }
}
