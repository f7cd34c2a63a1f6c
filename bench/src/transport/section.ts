/**
 * The "Management transport" section of RESULTS.md: cPU per `@connections` call of wsapp's signed transport, the AWS SDK and an unsigned floor.
 */
import type { Section } from '../lib/section.js';
import { transportArgs } from './args.js';
import { transportSection as render, type TransportResult } from './report.js';

/** Management transport: CPU per message. */
export const transportSection: Section = {
  id: 'transport',
  title: 'Management transport: CPU per message',
  async run(ctx) {
    const result = await ctx.child<TransportResult>(
      'transport',
      'transport/run.js',
      transportArgs(ctx.quick),
      ['--expose-gc'],
      900_000,
    );
    const { lines, headline } = render(result);
    return { lines, headlines: headline === undefined ? [] : [headline] };
  },
};
