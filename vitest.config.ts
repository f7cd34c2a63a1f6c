import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources; only `*.dist.test.ts` files exercise built output.
const packages = ['core', 'store-memory', 'store-dynamodb', 'store-redis', 'local', 'testing'];
const alias = Object.fromEntries(
  packages.map((name) => [
    `@wsapp/${name}`,
    fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url)),
  ]),
);

export default defineConfig({
  resolve: { alias },
  test: {
    passWithNoTests: true,
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.integration.test.ts', 'examples/*/test/**/*.integration.test.ts'],
          exclude: ['**/node_modules/**'],
          environment: 'node',
          // Starts Redis, a Redis Cluster and DynamoDB Local once per run; see packages/testing/README.md.
          globalSetup: ['packages/testing/src/vitest/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
