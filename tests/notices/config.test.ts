import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { loadNoticeConfig, NoticeConfigError } from '../../src/notices/config.js';

/** The error an invalid environment gets: one line, naming the variable. */
function refusal(env: NodeJS.ProcessEnv): string {
  try {
    loadNoticeConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(NoticeConfigError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('loadNoticeConfig', () => {
  it('defaults: data/ under the project root, no configured channels, 09:00', () => {
    expect(loadNoticeConfig({})).toEqual({ dataDir: path.join(PROJECT_ROOT, 'data'), channels: [], at: '09:00' });
  });

  it('treats empty variables (as a .env file writes them) as unset', () => {
    expect(loadNoticeConfig({ SHIEN_DATA_DIR: '', SHIEN_NOTIFY_CHANNELS: ' ', SHIEN_NOTIFY_AT: '' })).toEqual(loadNoticeConfig({}));
  });

  it('reads a comma-separated channel list, ignoring blanks and repeats', () => {
    const config = loadNoticeConfig({ SHIEN_NOTIFY_CHANNELS: ' C0123ABCD, ,G9ZZZ,,D12X, C0123ABCD ,' });
    expect(config.channels).toEqual(['C0123ABCD', 'G9ZZZ', 'D12X']);
  });

  it('resolves SHIEN_DATA_DIR and normalises the time to HH:MM', () => {
    const config = loadNoticeConfig({ SHIEN_DATA_DIR: 'tmp/notices', SHIEN_NOTIFY_AT: '7:05' });
    expect(config.dataDir).toBe(path.resolve('tmp/notices'));
    expect(config.at).toBe('07:05');
    expect(loadNoticeConfig({ SHIEN_NOTIFY_AT: '23:59' }).at).toBe('23:59');
    expect(loadNoticeConfig({ SHIEN_NOTIFY_AT: '00:00' }).at).toBe('00:00');
  });

  it.each(['24:00', '9時', '09:60', '0900', '9:5', 'noon'])('refuses SHIEN_NOTIFY_AT=%s with one line naming the variable', (value) => {
    const message = refusal({ SHIEN_NOTIFY_AT: value });
    expect(message).toContain('SHIEN_NOTIFY_AT');
    expect(message).toContain(value);
    expect(message).toContain('HH:MM');
    expect(message).not.toContain('\n');
  });

  it('refuses channel names and lowercase ids, naming each bad one', () => {
    const message = refusal({ SHIEN_NOTIFY_CHANNELS: 'C0123ABCD,#general,c0123abcd' });
    expect(message).toContain('SHIEN_NOTIFY_CHANNELS');
    expect(message).toContain('"#general"');
    expect(message).toContain('"c0123abcd"');
    expect(message).not.toContain('"C0123ABCD"');
    expect(message).not.toContain('\n');
  });
});
