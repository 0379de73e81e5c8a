import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadPaths, PROJECT_ROOT } from '../../src/config.js';
import { loadSlackConfig } from '../../src/slack-config.js';

const SECRET = '0123456789abcdef0123456789abcdef';

describe('the serving mode from the environment', () => {
  it('picks Socket Mode, HTTP or the console', () => {
    expect(loadSlackConfig({})).toEqual({ mode: 'console' });
    expect(loadSlackConfig({ SLACK_APP_TOKEN: 'xapp-1', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SECRET })).toMatchObject({ mode: 'socket', appToken: 'xapp-1' });
    expect(loadSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SECRET })).toMatchObject({ mode: 'http', port: 3000, logLevel: 'info' });
    expect(loadSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SECRET, PORT: '8080', LOG_LEVEL: 'warn' })).toMatchObject({ port: 8080, logLevel: 'warn' });
  });

  it('treats a value left empty in .env as unset', () => {
    expect(loadSlackConfig({ SLACK_APP_TOKEN: '', SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '', PORT: '', LOG_LEVEL: '' })).toEqual({ mode: 'console' });
    expect(loadPaths({ SHIEN_CATALOG_DIR: '', SHIEN_SEEDS_DIR: '' }).catalogDir).toBe(path.join(PROJECT_ROOT, 'seeds', 'catalog'));
  });

  it.each([
    [{ LOG_LEVEL: 'verbose', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SECRET }, 'LOG_LEVEL'],
    [{ SLACK_APP_TOKEN: 'xapp-1' }, 'SLACK_BOT_TOKEN'],
    [{ SLACK_BOT_TOKEN: 'xoxp-user-token' }, 'SLACK_BOT_TOKEN'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: 'not a url' }, 'SLACK_API_URL'],
  ])('refuses %o with one line naming %s, without the value', (env, name) => {
    let error: unknown;
    try {
      loadSlackConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^設定エラー: /);
    expect(message).toContain(name);
    expect(message).not.toContain('\n');
    for (const value of Object.values(env)) if (value.length > 6) expect(message).not.toContain(value);
  });
});
