import type { Paths } from '../config.js';
import { needListText } from '../render/needs-text.js';
import { terminalSafe } from '../render/text.js';
import { needList } from '../search/need-list.js';
import { loadEngineOrSay } from './engine.js';
import { parseCommandArgs, type CliIo } from './io.js';

/**
 * `shien needs [--json]`: the 相談の種類 the `相談:` filter takes, by purpose, with how many
 * programs list each (the programs served, as `search` sees them). --json: one document,
 * `{"size", "fromFile", "groups": [{"purpose" (null: 目的をまたぐ相談), "needs": [{name, description?, count, query}]}]}`.
 */
export async function needsCommand(args: string[], paths: Paths, { out, err }: CliIo): Promise<number> {
  const json = parseCommandArgs(args, { json: { type: 'boolean' } }, { positionals: false }).values.json === true;
  const engine = await loadEngineOrSay(paths, err);
  if (!engine) return 1;
  const list = needList(engine.programs, engine.vocabulary.needs);
  // Every group has its purpose key in JSON, null for the last one's (目的をまたぐ相談): a script
  // reading g["purpose"] stopped there with a KeyError.
  const document = { ...list, groups: list.groups.map((g) => ({ purpose: g.purpose ?? null, needs: g.needs })) };
  out.write(json ? JSON.stringify(document) + '\n' : terminalSafe(needListText(list, 'shien search ')) + '\n');
  return 0;
}
