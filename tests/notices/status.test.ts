import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { INVITE_HINT } from '../../src/notices/run.js';
import { describeNoticeStatus } from '../../src/notices/status.js';
import { SqliteNoticeStore } from '../../src/notices/sqlite-store.js';
import { scratch } from './support.js';

const T0 = new Date('2026-11-24T00:00:00Z'); // 09:00 JST
const stores: SqliteNoticeStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function store() {
  const s = SqliteNoticeStore.open(path.join(await scratch('status'), 'data'));
  stores.push(s);
  return s;
}

describe('describeNoticeStatus (what /支援 通知 状態 answers)', () => {
  it('a channel that never subscribed: off, and how to turn it on', async () => {
    const s = await store();
    expect(describeNoticeStatus(await s.status('C1'), '09:00')).toBe('このチャンネルの新着通知: *オフ*。`/支援 通知 オン` で始めます');
  });

  it('on: since when, by whom, the daily time and how to stop; then the last digest', async () => {
    const s = await store();
    await s.subscribe('C1', ['p-aaa', 'p-bbb'], { source: 'command', by: 'U0123', now: T0 });
    expect(describeNoticeStatus(await s.status('C1'), '09:00')).toBe(
      'このチャンネルの新着通知: *オン* (2026年11月24日 09:00 から・<@U0123> が設定)\n' +
        '毎日 09:00 に、新しく追加された支援事業があればお知らせします (既知の事業 2 件)。止めるには `/支援 通知 オフ`',
    );
    const runId = await s.startRun({ trigger: 'schedule', scheduledFor: T0, holder: 'h', now: T0 });
    await s.recordPost(runId, 'C1', { programs: 3, ok: false, error: 'not_in_channel', now: T0 });
    await s.finishRun(runId, { status: 'failed', posted: 0, failed: 1, now: T0 });
    expect(describeNoticeStatus(await s.status('C1'), '09:00')).toContain(
      `:warning: 前回の通知を投稿できませんでした: 2026年11月24日 09:00 (not_in_channel) — ${INVITE_HINT}。次の通知 (毎日 09:00) でもう一度試します`,
    );
    // A reason that may pass is tried again the same day, and 状態 says when.
    const again = await s.startRun({ trigger: 'schedule', scheduledFor: T0, holder: 'h', now: T0 });
    await s.recordPost(again, 'C1', { programs: 3, ok: false, error: 'ratelimited', now: T0 });
    await s.finishRun(again, { status: 'failed', posted: 0, failed: 1, now: T0 });
    expect(describeNoticeStatus(await s.status('C1'), '09:00')).toContain('(ratelimited) — Slack に届きませんでした (ネットワークまたは Slack 側の問題)。同じ日のうちに 30 分おきに 3 回まで送り直し、届かなければ次の通知 (毎日 09:00) で送ります');
  });

  it('configured channels say so; a catalog problem in the last run is mentioned', async () => {
    const s = await store();
    await s.syncConfigChannels(['C1'], [], T0);
    const runId = await s.startRun({ trigger: 'schedule', scheduledFor: T0, holder: 'h', now: T0 });
    await s.finishRun(runId, { status: 'catalog-error', posted: 0, failed: 0, error: 'x.yaml: 壊れています', now: T0 });
    const text = describeNoticeStatus(await s.status('C1'), '07:30');
    expect(text).toContain('設定 (SHIEN_NOTIFY_CHANNELS) で登録');
    expect(text).toContain('毎日 07:30 に');
    expect(text).toContain('カタログに問題があったため');
  });

  it('off after being on: who stopped it and when', async () => {
    const s = await store();
    await s.subscribe('C1', [], { source: 'command', by: 'U1', now: T0 });
    await s.unsubscribe('C1', { source: 'home', by: 'U0STOP', now: new Date('2026-11-25T03:15:00Z') });
    expect(describeNoticeStatus(await s.status('C1'), '09:00')).toBe(
      'このチャンネルの新着通知: *オフ* (2026年11月25日 12:15 から・<@U0STOP> が停止)。`/支援 通知 オン` で始めます',
    );
  });
});
