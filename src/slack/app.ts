import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver, webApi } from '@slack/bolt';
import type { SlackConfig } from '../slack-config.js';
import { boltLogger } from '../log.js';
import { RecentPermissions } from './channel-permission.js';
import { InFlight } from './handled.js';
import { registerListeners } from './listeners/index.js';
import { dropRedeliveries } from './middleware/drop-redeliveries.js';
import type { ShienServices } from './services.js';
import { SlackAuth } from './slack-auth.js';

/** Where Slack sends commands, interactions and events in HTTP mode (manifest.yml says the same). */
export const EVENTS_PATH = '/slack/events';
export const HEALTH_PATH = '/healthz';

export interface SlackApp {
  app: App;
  /** Starts serving; in HTTP mode resolves with the port actually bound (PORT=0 picks one). */
  start(): Promise<{ port?: number }>;
  /** Stops accepting, lets in-flight work finish (up to `graceMs`), then disconnects. */
  stop(graceMs?: number): Promise<void>;
  inFlight: InFlight;
  /** The bot token as Slack last judged it (auth.test); /healthz reports it. */
  auth: SlackAuth;
}

/** The Bolt app for Socket Mode or HTTP mode. Wiring only: listeners live in listeners/. */
export function createSlackApp(config: Exclude<SlackConfig, { mode: 'console' }>, services: ShienServices): SlackApp {
  const inFlight = new InFlight();
  const logger = boltLogger(services.logger);
  // A person is waiting for each answer: retry a failed Web API call once, not for the
  // default half hour, and give up on a call after 10 s.
  const clientOptions = { ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}), retryConfig: { retries: 1, minTimeout: 500, maxTimeout: 1000 }, timeout: 10_000 };
  const auth = new SlackAuth(new webApi.WebClient(undefined, { ...clientOptions, logger }), config.botToken, services.logger);
  let app: App;
  if (config.mode === 'socket') {
    // The socket's own client keeps the library's patient retries: Slack refreshes the
    // connection every few hours, and a brief API outage then must not end the process.
    const receiver = new SocketModeReceiver({
      appToken: config.appToken,
      logger,
      installerOptions: { clientOptions: config.apiUrl ? { slackApiUrl: config.apiUrl } : {} },
    });
    app = new App({ authorize: auth.authorize, receiver, logger, clientOptions });
  } else {
    const receiver = new HTTPReceiver({
      signingSecret: config.signingSecret,
      endpoints: EVENTS_PATH,
      logger,
      customRoutes: [
        {
          path: HEALTH_PATH,
          method: ['GET'],
          handler: (_req, res) => {
            // 503 while Slack refuses the token or cannot be reached, or the shared database
            // does not answer: a load balancer should not send traffic to a bot that cannot answer.
            const slack = auth.status;
            const database = services.database?.();
            const ok = slack.ok && (database?.ok ?? true);
            res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({
                ok,
                ...(slack.ok ? {} : { slack: { error: slack.error, reason: slack.reason } }),
                ...(database && !database.ok ? { database } : {}),
                programs: services.engine().size,
                inFlight: inFlight.count,
              }),
            );
          },
        },
      ],
    });
    app = new App({ authorize: auth.authorize, receiver, logger, clientOptions });
  }
  app.use(dropRedeliveries(services.logger, services.firstDelivery));
  registerListeners(app, { ...services, inFlight, homePermissions: services.homePermissions ?? new RecentPermissions() });
  let server: Server | undefined;

  return {
    app,
    inFlight,
    auth,
    async start() {
      void auth.check(); // /healthz tells the truth from the start; requests wait for it if they must
      if (config.mode === 'socket') {
        await app.start();
        services.logger.info({ mode: 'socket' }, 'listening');
        return {};
      }
      server = (await app.start(config.port)) as Server;
      const port = (server.address() as AddressInfo).port;
      services.logger.info({ mode: 'http', port, path: EVENTS_PATH }, 'listening');
      return { port };
    },
    async stop(graceMs = 5000) {
      auth.stop();
      const deadline = Date.now() + graceMs;
      // HTTP: the server stops accepting now. A keep-alive connection (a proxy reusing its
      // upstream socket) would keep the server open and serving: answers from here on say
      // `Connection: close`, idle sockets are closed, and whatever is left at the deadline is
      // cut. Socket Mode: disconnects.
      server?.prependListener('request', (_req, res) => res.setHeader('Connection', 'close'));
      const closed = app.stop().catch((error: unknown) => services.logger.warn({ err: error }, 'stop'));
      server?.closeIdleConnections();
      const idle = await inFlight.idle(graceMs);
      const left = Math.max(0, deadline - Date.now());
      const timedOut = await Promise.race([closed.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), left).unref())]);
      if (timedOut) server?.closeAllConnections();
      services.logger.info({ inFlight: inFlight.count, drained: idle }, 'stopped');
    },
  };
}
