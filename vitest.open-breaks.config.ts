import { defineConfig } from 'vitest/config';
import { alias, execArgv } from './vitest.config.js';

// Open breaks: attacks an independent breaker wrote as the correct expectation, which still fail on
// main. They stay out of `pnpm test` (main stays green) but in the repository, runnable on purpose
// with `pnpm test:open-breaks`; a fix renames its file back to `*.test.ts` / `*.integration.test.ts`.
// The list and what each shows: docs/reliability.md, "Open breaks".
export default defineConfig({
  resolve: { alias },
  test: {
    name: 'open-breaks',
    execArgv,
    include: ['packages/*/test/**/*.open-break.ts'],
    environment: 'node',
    globalSetup: ['packages/testing/src/vitest/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
