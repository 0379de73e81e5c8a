/**
 * After every test: a payload the fake Slack refused (as Slack would) and that the test did not
 * take with `fake.takeRefusals()` fails that test, naming Slack's error and JSON pointers. So
 * every test that makes the bot send something checks it against Slack's rules without asking.
 */
import { afterEach } from 'vitest';
import { strictSlacks } from '../slack/support/slack-rules.js';

afterEach(() => {
  const refused = [...strictSlacks].flatMap((fake) => fake.takeRefusals());
  if (!refused.length) return;
  const lines = refused.slice(0, 5).map((r) => `${r.method}: ${r.error} ${r.messages.slice(0, 3).join(' ')}`);
  throw new Error(`Slack would refuse ${refused.length} payload(s) the bot sent:\n${lines.join('\n')}`);
});
