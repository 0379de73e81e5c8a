// Issue 13: the Slack bot itself (HTTP mode, notices on: what `npm start` runs with Slack tokens)
// serving a catalog inside a cgroup v1 memory group (256 MB by default). bench/cgroup-check.sh
// checks the console; the bot does more at start (its notices' missed-run check, a catalog
// reload) and was killed where the console was not.
//
// Starts a fake Slack on 127.0.0.1 (every Web API method answers ok; response_url posts are
// counted), the bot inside the group, then sends signed /支援 commands, one at a time, with the
// tuning list's questions, and waits for every answer. Reports answers, the bot's peak RSS, the
// group's peak charge, failcnt and oom_kill. Needs root and /sys/fs/cgroup/memory (cgroup v1).
//   node bench/cgroup-slack-check.mjs <catalog dir> <index file> [limit MB] [commands]
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const [catalogDir, indexFile, limitArg, countArg] = process.argv.slice(2);
if (!catalogDir || !indexFile) {
  process.stderr.write('usage: node bench/cgroup-slack-check.mjs <catalog dir> <index file> [limit MB] [commands]\n');
  process.exit(2);
}
const LIMIT_MB = Number(limitArg ?? 256);
const COMMANDS = Number(countArg ?? 300);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECRET = '0123456789abcdef0123456789abcdef';
const CG = `/sys/fs/cgroup/memory/shien-slack-check-${process.pid}`;
const cgRead = (file) => readFileSync(path.join(CG, file), 'utf8').trim();

const list = parse(readFileSync(path.join(ROOT, 'tests/fixtures/queries.yaml'), 'utf8'));
const questions = (Array.isArray(list) ? list : list.queries).map((q) => q.query);

// The fake Slack: the Web API (auth.test and the rest) and the response_urls.
let answered = 0;
const waiting = new Map();
const fake = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    const m = /^\/resp\/(\d+)$/.exec(req.url ?? '');
    if (m) {
      answered++;
      waiting.get(m[1])?.();
      return res.end('{"ok":true}');
    }
    res.end(JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'B0BOT', team_id: 'T0FAKE', url: 'https://fake.slack.com/', channel: 'C0FAKE', ts: '1700000000.000100', channels: [], members: [] }));
  });
});
await new Promise((resolve) => fake.listen(0, '127.0.0.1', resolve));
const fakeUrl = `http://127.0.0.1:${fake.address().port}`;

mkdirSync(CG);
writeFileSync(path.join(CG, 'memory.limit_in_bytes'), String(LIMIT_MB * 1024 * 1024));
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  SHIEN_CATALOG_DIR: catalogDir,
  SHIEN_INDEX_FILE: indexFile,
  SHIEN_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'shien-slack-check-')),
  SLACK_BOT_TOKEN: 'xoxb-cgroup-check',
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: `${fakeUrl}/api/`,
  PORT: '0',
};
// The shell joins the group, then becomes the bot: nothing else is charged to it.
const bot = spawn('sh', ['-c', `echo $$ > ${CG}/cgroup.procs; exec node scripts/start.mjs`], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
let exited = null;
bot.on('exit', (code, signal) => (exited = { code, signal }));
let out = '';
const port = await new Promise((resolve, reject) => {
  bot.stdout.setEncoding('utf8').on('data', (chunk) => {
    out += chunk;
    const line = out.split('\n').find((l) => l.includes('"msg":"listening"'));
    if (line) resolve(JSON.parse(line).port);
  });
  bot.on('exit', () => reject(new Error(`the bot exited before listening (${JSON.stringify(exited)})`)));
}).catch((error) => error);

let peakKiB = 0;
const sample = () => {
  try {
    peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${bot.pid}/status`, 'utf8'))?.[1] ?? 0));
  } catch {
    // gone
  }
};
const sampler = setInterval(sample, 100);
let sent = 0;
if (typeof port === 'number') {
  for (let i = 0; i < COMMANDS && exited === null; i++) {
    const body = new URLSearchParams({ token: 'x', team_id: 'T0FAKE', team_domain: 'fake', channel_id: 'C0FAKE', channel_name: 'general', user_id: 'U0ADVISOR', user_name: 'advisor', command: '/支援', text: questions[i % questions.length], api_app_id: 'A0FAKE', response_url: `${fakeUrl}/resp/${i}`, trigger_id: `1.2.${i}` }).toString();
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const done = new Promise((resolve) => {
      waiting.set(String(i), resolve);
      setTimeout(resolve, 10_000);
    });
    try {
      await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': signature, 'x-slack-request-timestamp': ts }, body });
      sent++;
      await done;
    } catch {
      break; // the bot is gone
    }
  }
}
sample();
clearInterval(sampler);
if (exited === null) bot.kill('SIGTERM');
await new Promise((resolve) => (exited ? resolve() : bot.on('exit', resolve)));
const oom = cgRead('memory.oom_control').split('\n').find((l) => l.startsWith('oom_kill ')) ?? 'oom_kill ?';
console.log(typeof port === 'number' ? `bot listening; commands sent ${sent} of ${COMMANDS}, answered ${answered}` : `bot failed: ${port.message}`);
console.log(`bot exit ${JSON.stringify(exited)} (SIGTERM sent by this check at the end is a clean stop); bot peak RSS ${(peakKiB / 1024).toFixed(0)} MiB`);
console.log(`group limit ${LIMIT_MB} MB, peak charge ${(Number(cgRead('memory.max_usage_in_bytes')) / 1048576).toFixed(0)} MiB (page cache included), times the limit was hit: ${cgRead('memory.failcnt')}, ${oom}`);
fake.close();
for (let i = 0; i < 50; i++) {
  try {
    rmdirSync(CG);
    break;
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
