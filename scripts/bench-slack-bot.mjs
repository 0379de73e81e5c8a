// @ts-check
/**
 * The bot half of the Slack section of `npm run bench` (scripts/bench-slack.ts forks it; not
 * meant to be run by hand): the real app in HTTP mode in a fresh `node` process of its own,
 * running the compiled JavaScript in dist/, so its RSS is the bot's and nothing else's (the
 * fake Slack and the requests live in the bench process, as Slack lives elsewhere).
 *
 *   node --expose-gc scripts/bench-slack-bot.mjs <fake Slack API URL> <signing secret>
 *
 * Loads the engine as `npm start` does (loadSearchEngine(loadPaths()): dist/search-index.json
 * when it matches the catalog, else kuromoji now), starts createSlackApp on a free port (port 0)
 * with a silent logger, then talks over the IPC channel:
 *   sends   {type: 'listening', port, source, programs, importMs, loadMs, listenMs},
 *           then {type: 'idle', memory} (before any request);
 *   answers 'memory' with {type: 'memory', now, afterGc, peakRssMB}.
 * Memory in MB; idle and afterGc after full collections and a second's pause.
 *   on 'stop' stops the app (in-flight work finishes) and exits.
 * The notices feature (SQLite, scheduler) is not started: only search, cards and mentions.
 */
import { loadPaths } from '../dist/config.js';
import { createLogger } from '../dist/log.js';
import { loadSearchEngine } from '../dist/search/load.js';
import { createSlackApp } from '../dist/slack/app.js';

const MB = 1024 * 1024;

/** Memory in MB as it is (no collection forced); heapTotal is what V8 has committed. */
function memoryNow() {
  const m = process.memoryUsage();
  return { rssMB: m.rss / MB, heapUsedMB: m.heapUsed / MB, heapTotalMB: m.heapTotal / MB };
}

/** Full collections (the process runs with --expose-gc). */
function collect() {
  const gc = /** @type {(() => void) | undefined} */ (globalThis.gc);
  gc?.();
  gc?.();
}

/**
 * Memory after full collections and a pause: V8 hands freed pages back to the system a
 * moment after a collection, so RSS read at once still counts them (30 MiB or so here).
 */
async function memorySettled(ms = 1000) {
  collect();
  await new Promise((resolve) => setTimeout(resolve, ms));
  collect();
  return memoryNow();
}

const send = (/** @type {object} */ message) => process.send?.(message);

// Static imports are done here: performance.now() counts from the process's start.
const importMs = performance.now();
const [apiUrl, signingSecret] = process.argv.slice(2);
if (!apiUrl || !signingSecret || !process.send) throw new Error('bench-slack-bot: run by npm run bench (needs an IPC channel, the API URL and the signing secret)');

let start = performance.now();
const { engine, source } = await loadSearchEngine(loadPaths());
const loadMs = performance.now() - start;

start = performance.now();
const slack = createSlackApp(
  { mode: 'http', botToken: 'xoxb-bench', signingSecret, port: 0, apiUrl },
  { engine: () => engine, logger: createLogger({ level: 'silent' }) },
);
const { port } = await slack.start();
const listenMs = performance.now() - start;

process.on('message', (message) => {
  if (message === 'memory') {
    const now = memoryNow();
    const peakRssMB = process.resourceUsage().maxRSS / 1024;
    memorySettled().then((afterGc) => send({ type: 'memory', now, afterGc, peakRssMB }));
  } else if (message === 'stop') {
    slack.stop(1000).then(
      () => process.exit(0),
      (/** @type {unknown} */ error) => {
        process.stderr.write(`bench-slack-bot: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  }
});
// The bench went away without saying stop: do not linger.
process.on('disconnect', () => process.exit(0));

send({ type: 'listening', port, source, programs: engine.size, importMs, loadMs, listenMs });
send({ type: 'idle', memory: await memorySettled() });
