import type { Logger } from 'pino';
import type { ContactService } from '../contacts/service.js';
import type { SearchEngine } from '../search/engine.js';
import type { Block, Message } from './blocks.js';
import type { InFlight } from './handled.js';
import type { RecentPermissions } from './channel-permission.js';

/** What `/支援 通知 …` and App Home need from the notices feature (src/notices). */
export interface ChannelNotices {
  /** Handles `通知 オン|オフ|状態` typed in `channel`; returns the reply, as mrkdwn. */
  command(args: string, context: { channel: string; channelName?: string; user: string }): Promise<string>;
  /**
   * App Home blocks listing subscriptions; on/off buttons only beside the channels `mayChange`
   * allows (members of the channel and admins).
   */
  homeBlocks(user: string, mayChange: (channel: string) => Promise<boolean>): Promise<Block[]>;
  /** The on/off button of App Home (`value` is the channel id). */
  toggle(action: 'on' | 'off', channel: string, user: string): Promise<string>;
  /** 「ほか N 件を見る」 on a digest: the programs that run announced to `channel`, from the button's value. */
  more(value: string, clickedIn: string | undefined): Promise<Message | string>;
}

/**
 * Everything the listeners use, passed in (no globals), so tests run the real app on a
 * catalog of their choosing and the console, the CLI and Slack share one engine.
 */
export interface ShienServices {
  /** The engine serving now; a catalog reload swaps it without restarting. */
  engine(): SearchEngine;
  logger: Logger;
  notices?: ChannelNotices;
  /** Staff edits of contacts and who may make them (none: cards show the YAML's contacts only). */
  contacts?: ContactService;
  /** Whether a Slack event id is seen for the first time (default: remembered in memory; the bot: its notice store, shared by replicas). */
  firstDelivery?: (eventId: string) => boolean | Promise<boolean>;
  /** Slack user ids of SHIEN_ADMIN_USERS: staff who may change any channel's notices. */
  adminUsers?: ReadonlySet<string>;
  /**
   * Whether the shared database (DATABASE_URL) answered its last check, for /healthz: a replica
   * that cannot reach it answers 503 so the load balancer sends Slack's requests elsewhere.
   * Undefined with SQLite (nothing to reach).
   */
  database?: () => { ok: true } | { ok: false; error: string };
  /** Set by createSlackApp: requests still running, for a graceful SIGTERM. */
  inFlight?: InFlight;
  /** Who may change which channel's notices, as App Home last asked Slack (default: made by createSlackApp, a minute). */
  homePermissions?: RecentPermissions;
}
