import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Database tests share one PostgreSQL server; each file uses its own schema, so files may run in parallel.
    pool: 'forks',
  },
});
