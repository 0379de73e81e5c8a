/**
 * manifest.yml against the app as it really is: the slash commands, events and interactivity a
 * workspace admin installs from the manifest must be exactly what registerListeners() wires up,
 * and every button the renderers draw must reach a listener (no dead buttons, no orphan handlers).
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { App } from '@slack/bolt';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createChannelNotices } from '../../src/notices/channel-notices.js';
import { renderDigest, renderDigestMore } from '../../src/notices/digest.js';
import { systemClock } from '../../src/notices/schedule.js';
import { SqliteNoticeStore } from '../../src/notices/sqlite-store.js';
import { loadAnalyzer } from '../../src/search/analyzer.js';
import type { SearchEngine } from '../../src/search/engine.js';
import type { Message } from '../../src/slack/blocks.js';
import { publishHome } from '../../src/slack/listeners/events/app-home-opened.js';
import { SLASH_COMMANDS } from '../../src/slack/listeners/commands/search.js';
import { registerListeners } from '../../src/slack/listeners/index.js';
import { renderProgramCard } from '../../src/slack/render/card.js';
import { renderHelp } from '../../src/slack/render/help.js';
import { PAGE_SIZE, renderResults, searchPage } from '../../src/slack/render/results.js';
import type { ShienServices } from '../../src/slack/services.js';
import { toProgram } from '../../src/sources/jgrants/mapping.js';
import { parseDetail } from '../../src/sources/jgrants/parser.js';
import { KAGOSHIMA_DETAIL } from '../sources/jgrants/support/fake-jgrants.js';
import { ANALYZER_TIMEOUT, bundledEngine, bundledPaths, ROOT, tempDir } from '../search/support.js';

type Handler = (...args: unknown[]) => unknown;
type Constraint = string | RegExp | Record<string, unknown>;

/** What registerListeners asked Bolt for, by kind, in order; handlers kept to call a few. */
interface Recorded {
  commands: string[];
  actions: Constraint[];
  events: string[];
  views: unknown[];
  messages: unknown[];
  shortcuts: unknown[];
  middleware: number;
  handlers: { kind: string; key: unknown; fn: Handler }[];
}

/** A stand-in for Bolt's App that records the first argument of every registration. */
function recordingApp(): { app: App; recorded: Recorded } {
  const recorded: Recorded = { commands: [], actions: [], events: [], views: [], messages: [], shortcuts: [], middleware: 0, handlers: [] };
  const keep = (kind: string, key: unknown, fns: unknown[]) => {
    const fn = fns.at(-1);
    if (typeof fn === 'function') recorded.handlers.push({ kind, key, fn: fn as Handler });
  };
  const app = {
    command: (name: string, ...fns: unknown[]) => {
      recorded.commands.push(name);
      keep('command', name, fns);
    },
    action: (constraint: Constraint, ...fns: unknown[]) => {
      recorded.actions.push(constraint);
      keep('action', constraint, fns);
    },
    event: (name: string, ...fns: unknown[]) => {
      recorded.events.push(name);
      keep('event', name, fns);
    },
    use: () => {
      recorded.middleware++;
    },
    view: (constraint: unknown, ...fns: unknown[]) => {
      recorded.views.push(constraint);
      keep('view', constraint, fns);
    },
    message: (pattern: unknown, ...fns: unknown[]) => {
      recorded.messages.push(pattern);
      keep('message', pattern, fns);
    },
    shortcut: (constraint: unknown, ...fns: unknown[]) => {
      recorded.shortcuts.push(constraint);
      keep('shortcut', constraint, fns);
    },
  };
  return { app: app as unknown as App, recorded };
}

interface Manifest {
  display_information?: { name?: unknown };
  features?: {
    app_home?: { home_tab_enabled?: unknown; messages_tab_enabled?: unknown };
    bot_user?: { display_name?: unknown };
    slash_commands?: { command?: unknown; description?: unknown; usage_hint?: unknown }[];
  };
  oauth_config?: { scopes?: { bot?: unknown[] } };
  settings?: {
    event_subscriptions?: { bot_events?: unknown[] };
    interactivity?: { is_enabled?: unknown };
    socket_mode_enabled?: unknown;
  };
}

/** Every action_id anywhere in a message or view (sections' accessories, actions blocks, ...). */
function actionIds(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const v of value) actionIds(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'action_id' && typeof v === 'string') out.add(v);
      else actionIds(v, out);
    }
  }
  return out;
}

/** Bolt's rule: a string constraint is the action_id; a RegExp is tested; an object may carry action_id. */
function matches(constraint: Constraint, actionId: string): boolean {
  if (typeof constraint === 'string') return constraint === actionId;
  if (constraint instanceof RegExp) return new RegExp(constraint.source, constraint.flags.replace('g', '')).test(actionId);
  const id = constraint.action_id;
  if (typeof id === 'string') return id === actionId;
  if (id instanceof RegExp) return id.test(actionId);
  return true; // an object without action_id (e.g. only block_id) matches any action_id
}

const describeConstraint = (c: Constraint) => (typeof c === 'string' ? c : c instanceof RegExp ? String(c) : JSON.stringify(c));

/** The recorded 鹿児島県 jGrants detail as the sync maps it. */
function importedProgram() {
  const { detail } = parseDetail({ result: [KAGOSHIMA_DETAIL()] });
  return toProgram(detail!, detail, new Date('2026-11-27T03:00:00Z'));
}

let manifest: Manifest;
let recorded: Recorded;
let engine: SearchEngine;
/** Each rendered surface with the action_ids it emits. */
let emitted: Map<string, Set<string>>;
let dataDir: string | undefined;
let store: SqliteNoticeStore | undefined;

beforeAll(async () => {
  manifest = parse(await readFile(path.join(ROOT, 'manifest.yml'), 'utf8')) as Manifest;
  engine = await bundledEngine(await loadAnalyzer());
  // The channel notices as the bot wires them (main.ts), on a database of this test's own.
  dataDir = await tempDir('manifest');
  store = SqliteNoticeStore.open(dataDir);
  const notices = createChannelNotices({
    store,
    config: { dataDir, channels: [], at: '09:00' },
    catalogDir: bundledPaths().catalogDir,
    servedPrograms: () => engine.programs,
    clock: systemClock,
  });
  // One subscribed channel, so App Home shows its オフにする button as well as the channel picker.
  await notices.command('オン', { channel: 'C0FAKE', user: 'U0ADVISOR' });
  const services: ShienServices = { engine: () => engine, logger: createLogger({ level: 'silent' }), notices };
  const stand = recordingApp();
  registerListeners(stand.app, services);
  recorded = stand.recorded;

  const first = searchPage(engine, '創業', 0);
  const second = searchPage(engine, '創業', PAGE_SIZE);
  const program = first.hits[0]?.program;
  if (!program) throw new Error('創業 finds nothing in the bundled catalog: the renderers cannot be exercised');
  // App Home as the app_home_opened listener (and the notice buttons) publish it.
  let home: { blocks: unknown[] } | undefined;
  const client = {
    // The user opening Home is a member of the subscribed channel: its button is drawn.
    conversations: { members: async () => ({ ok: true, members: ['U0ADVISOR'], response_metadata: { next_cursor: '' } }) },
    views: {
      publish: async (args: { view: { blocks: unknown[] } }) => {
        home = args.view;
        return { ok: true };
      },
    },
  };
  await publishHome(client as unknown as App['client'], services, 'U0ADVISOR');
  if (!home) throw new Error('publishHome published nothing');
  const surfaces: [string, Message | { blocks: unknown[] }][] = [
    ['results page 1', renderResults(first, { offset: 0, share: true })],
    ['results page 2', renderResults(second, { offset: PAGE_SIZE, share: true })],
    ['help', renderHelp(engine.programs)],
    [
      'program card',
      renderProgramCard(program, { agency: engine.agencies.resolve(program.agency), similar: engine.similar(program.id, 3).map((h) => h.program), share: true }),
    ],
    // As staff (SHIEN_ADMIN_USERS) see it: with 連絡先を編集.
    ['program card, staff', renderProgramCard(program, { agency: engine.agencies.resolve(program.agency), editContact: true })],
    ['app home', home],
    // A program imported from jGrants: its card links to the jGrants page (a URL button, acked by source_page).
    ['imported program card', renderProgramCard(importedProgram(), {})],
    ['daily digest', renderDigest(engine.programs.slice(0, 3), { date: new Date() })],
    // More new programs than fit: the digest offers 「ほか N 件を見る」, whose pages page on.
    ['daily digest, overflowing', renderDigest(engine.programs, { date: new Date(), runId: 7, channel: 'C0FAKE' })],
    ['digest list page', renderDigestMore(engine.programs, { runId: 7, channel: 'C0FAKE', offset: 0 })],
  ];
  emitted = new Map(surfaces.map(([name, message]) => [name, actionIds(message.blocks)]));
}, ANALYZER_TIMEOUT);

afterAll(async () => {
  await store?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('manifest.yml matches the listeners the app registers', () => {
  it('the recording stand-in saw the app register listeners at all', () => {
    expect(recorded.commands.length).toBeGreaterThan(0);
    expect(recorded.actions.length).toBeGreaterThan(0);
    expect(recorded.events.length).toBeGreaterThan(0);
  });

  it('slash commands: the manifest declares exactly /支援 and /shien, the commands registered', () => {
    const declared = (manifest.features?.slash_commands ?? []).map((c) => c.command);
    expect([...SLASH_COMMANDS].sort()).toEqual(['/shien', '/支援']);
    expect(recorded.commands.slice().sort()).toEqual([...SLASH_COMMANDS].sort());
    expect(declared.slice().sort()).toEqual(recorded.commands.slice().sort());
    expect(new Set(declared).size).toBe(declared.length);
  });

  it('each slash command has a description and a usage hint', () => {
    const commands = manifest.features?.slash_commands ?? [];
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) {
      expect(typeof c.description === 'string' && c.description.trim() !== '', `${String(c.command)} description`).toBe(true);
      expect(typeof c.usage_hint === 'string' && c.usage_hint.trim() !== '', `${String(c.command)} usage_hint`).toBe(true);
    }
  });

  it('bot events: the manifest subscribes to exactly the events registered (message → message.im)', () => {
    // Bolt's message listener would hear every message event; which ones arrive is the manifest's
    // subscription, and the DM listener only answers DMs: so the subscription is message.im.
    const expected = recorded.events.map((e) => (e === 'message' ? 'message.im' : e));
    expect(recorded.messages).toEqual([]); // app.message() would also need a message.* subscription
    expect((manifest.settings?.event_subscriptions?.bot_events ?? []).slice().sort()).toEqual(expected.sort());
  });

  it('the message listener answers DMs only, as its message.im subscription assumes', async () => {
    const listener = recorded.handlers.find((h) => h.kind === 'event' && h.key === 'message');
    expect(listener).toBeDefined();
    const said: unknown[] = [];
    const say = async (m: unknown) => {
      said.push(m);
      return { ok: true };
    };
    const event = (channel_type: string) => ({ type: 'message', channel_type, channel: 'D0FAKE', user: 'U0ADVISOR', text: '創業', ts: '1700000000.000100' });
    await listener!.fn({ event: event('channel'), say, context: {} });
    await listener!.fn({ event: event('group'), say, context: {} });
    expect(said).toHaveLength(0);
    await listener!.fn({ event: event('im'), say, context: {} });
    expect(said).toHaveLength(1);
    expect(JSON.stringify(said[0])).toMatch(/「創業」\*? \d+ 件/);
  });

  it('interactivity is enabled exactly when there are action or view listeners', () => {
    const interactive = recorded.actions.length + recorded.views.length + recorded.shortcuts.length > 0;
    expect(interactive).toBe(true);
    expect(manifest.settings?.interactivity?.is_enabled).toBe(interactive);
  });
});

describe('buttons and action listeners', () => {
  it('the renderers emit buttons on every surface that should have them', () => {
    for (const [surface, ids] of emitted) expect(ids.size, surface).toBeGreaterThan(0);
    // Paging both ways, details and share on results; browse buttons on help and App Home.
    expect([...(emitted.get('results page 2') ?? [])].sort()).toEqual(['program_details', 'program_share', 'results_page_next', 'results_page_prev']);
  });

  it('every registered action listener is reachable from a button the renderers draw', () => {
    const all = new Set([...emitted.values()].flatMap((ids) => [...ids]));
    for (const constraint of recorded.actions) {
      expect([...all].some((id) => matches(constraint, id)), `no rendered button reaches ${describeConstraint(constraint)} (emitted: ${[...all].join(', ')})`).toBe(true);
    }
  });

  it('every button the renderers draw has a listener (no dead buttons)', () => {
    for (const [surface, ids] of emitted) {
      for (const id of ids) {
        const handledBy = recorded.actions.filter((c) => matches(c, id));
        expect(handledBy.length, `${surface}: action_id ${id} is handled by ${handledBy.length} listeners (${recorded.actions.map(describeConstraint).join(', ')})`).toBe(1);
      }
    }
  });
});

describe('manifest.yml settings', () => {
  it('asks for exactly the bot scopes the app uses', () => {
    const scopes = manifest.oauth_config?.scopes?.bot ?? [];
    // channels:read and groups:read: conversations.members, to let only a channel's members change its notices.
    expect(scopes.slice().sort()).toEqual(['app_mentions:read', 'channels:read', 'chat:write', 'chat:write.public', 'commands', 'groups:read', 'im:history', 'im:write'].sort());
    expect(new Set(scopes).size).toBe(scopes.length);
  });

  it('names the app 支援ナビ with an ASCII bot user name', () => {
    expect(manifest.display_information?.name).toBe('支援ナビ');
    const botName = manifest.features?.bot_user?.display_name;
    expect(typeof botName).toBe('string');
    expect(botName).toMatch(/^[\x20-\x7e]+$/); // Slack refuses a non-ASCII bot user name
    expect(String(botName).trim()).toBe(botName);
  });

  it('has App Home with both the Home and Messages tabs, and Socket Mode on', () => {
    expect(manifest.features?.app_home?.home_tab_enabled).toBe(true);
    expect(manifest.features?.app_home?.messages_tab_enabled).toBe(true);
    expect(manifest.settings?.socket_mode_enabled).toBe(true);
  });
});
