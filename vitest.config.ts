import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources; packages/core/test/built-output.test.ts checks the built dist.
const packages = [
  'core',
  'store-memory',
  'store-dynamodb',
  'store-redis',
  'local',
  'testing',
  'forward',
  'client',
  'cdk',
];
const source = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));
// Exact-match patterns, so `@wsapp/testing/conformance` is not taken for `@wsapp/testing` + suffix.
export const alias = [
  { find: /^@wsapp\/testing\/conformance$/, replacement: source('testing/src/conformance/index.ts') },
  { find: /^@wsapp\/testing\/sam$/, replacement: source('testing/src/sam/index.ts') },
  { find: /^@wsapp\/cdk\/runtime$/, replacement: source('cdk/src/runtime/index.ts') },
  { find: /^@wsapp\/core\/middleware$/, replacement: source('core/src/middleware/index.ts') },
  { find: /^@wsapp\/core\/store$/, replacement: source('core/src/store-authoring.ts') },
  { find: /^@wsapp\/core\/secrets$/, replacement: source('core/src/secrets/index.ts') },
  ...packages.map((name) => ({
    find: new RegExp(`^@wsapp/${name}$`),
    replacement: source(`${name}/src/index.ts`),
  })),
];

// Node ≥ 22 has a global `WebSocket` (undici) and Node 20 has it behind this flag: every Node the
// tests run on then has it, so a client test on 20 sees what Lambda's nodejs22.x/24.x and users see.
export const execArgv = ['--experimental-websocket'];

export default defineConfig({
  resolve: { alias },
  test: {
    passWithNoTests: true,
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          execArgv,
          include: [
            'packages/*/test/**/*.test.ts',
            'examples/*/test/**/*.test.ts',
            'scripts/test/**/*.test.ts',
          ],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
          environment: 'node',
          // Type tests (`*.test-d.ts`) run through tsc with the root tsconfig.
          typecheck: {
            enabled: true,
            include: ['packages/*/test/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          execArgv,
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
