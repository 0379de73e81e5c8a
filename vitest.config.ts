import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Every payload the bot sends to the fake Slack must pass Slack's rules (see the file).
    setupFiles: ['tests/setup/strict-slack.ts'],
    testTimeout: 20_000,
  },
});
