import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each server-database test drops its scratch database `with (force)` when it ends; pg's
    // pool.end() resolves before its sockets are closed, so a connection still closing can be
    // terminated by that drop (57P01 admin_shutdown) after its test has passed. That error
    // belongs to the harness's cleanup, not to the code under test; every other one fails the run.
    onUnhandledError: (error) => (error as { code?: string }).code !== '57P01',
  },
});
