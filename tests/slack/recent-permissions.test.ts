/**
 * RecentPermissions (channel-permission.ts): App Home's answers of who may change a channel's
 * notices, remembered for a minute so that each open of the tab does not ask Slack again.
 */
import { describe, expect, it } from 'vitest';
import { RecentPermissions } from '../../src/slack/channel-permission.js';

describe('RecentPermissions', () => {
  it('answers from memory within its time, asks again after it, per user and channel; errors are not remembered', async () => {
    let now = 0;
    let asked = 0;
    let members = new Set(['U1']);
    let failing = false;
    const permission = async (user: string, _channel: string) => {
      asked++;
      if (failing) throw new Error('missing_scope');
      return members.has(user);
    };
    const recent = new RecentPermissions(60_000, () => now).remembering(permission);
    expect(await recent('U1', 'C1')).toBe(true);
    members = new Set();
    now = 59_999;
    expect(await recent('U1', 'C1')).toBe(true);
    expect(asked).toBe(1);
    expect(await recent('U1', 'C2')).toBe(false); // another channel: asked
    expect(asked).toBe(2);
    now = 60_000;
    expect(await recent('U1', 'C1')).toBe(false); // a minute on: asked again
    expect(asked).toBe(3);
    failing = true;
    await expect(recent('U2', 'C1')).rejects.toThrow('missing_scope');
    failing = false;
    expect(await recent('U2', 'C1')).toBe(false);
    expect(asked).toBe(5);
  });

  it('starts its memory again past its size', async () => {
    let asked = 0;
    const recent = new RecentPermissions(60_000, () => 0, 2).remembering(async () => (asked++, true));
    for (const channel of ['C1', 'C2', 'C3', 'C1']) await recent('U1', channel);
    expect(asked).toBe(4); // C1 forgotten when C3 came
  });
});
