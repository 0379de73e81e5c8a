import path from 'node:path';
import { AgencyDirectory } from '../catalog/agencies.js';
import { defaultPaths, ingestDocument } from '../catalog/ingest/ingest.js';
import { loadAgencies } from '../catalog/load.js';
import type { Paths } from '../config.js';

const show = (v: unknown) => {
  const s = v === undefined ? '(なし)' : typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 60).replace(/\n/gu, ' ') + '…' : s.replace(/\n/gu, ' ');
};

/**
 * `shien ingest <document.txt> [--write]`: parse a program-list document and merge it
 * into seeds/catalog/<stem>.yaml. Without --write it only reports (exit 1 when the
 * catalog would change), so it doubles as a check.
 */
export async function ingestCommand(args: string[], paths: Paths, out: NodeJS.WritableStream): Promise<number> {
  const document = args.find((a) => !a.startsWith('--'));
  if (!document) {
    out.write('使い方: shien ingest <document.txt> [--write]\n');
    return 2;
  }
  const write = args.includes('--write');
  const agencies = new AgencyDirectory(await loadAgencies(paths.agenciesFile));
  const result = await ingestDocument(defaultPaths(path.resolve(document), paths.seedsDir), {
    write,
    aliasesOf: (a) => agencies.spellingsOf(a),
  });
  const uncertainCards = new Set(result.uncertain.flatMap((u) => result.cards.filter((c) => c.page === u.page).map((c) => c.headerLine)));
  const lines = [
    `${path.basename(document)}: ${result.pages} ページ, ${result.cards.length} 件の事業カード`,
    `  自動で配置: ${result.cards.length - uncertainCards.size} 件 / 要確認: ${uncertainCards.size} 件 (${new Set(result.uncertain.map((u) => u.page)).size} ページ)`,
  ];
  for (const u of result.uncertain) lines.push(`  要確認 p.${u.page}: ${u.reason}\n      ${u.cards.join(' / ')}`);
  const unknown = [...new Set(result.cards.map((c) => c.agency))].filter((a) => !agencies.resolve(a));
  if (unknown.length) lines.push(`  agencies.yaml に未登録の機関: ${unknown.join(', ')}`);
  const { merge } = result;
  lines.push('', `カタログとの差分: 追加 ${merge.added.length} 件, 更新 ${merge.changes.filter((c) => c.kind === 'updated').length} 項目, 手修正を保持 ${merge.changes.filter((c) => c.kind !== 'updated').length} 項目, 文書から消えた事業 ${merge.vanished.length} 件`);
  for (const c of merge.changes) {
    // from = the catalog's value, to = the document's; only 更新 writes the document's value.
    if (c.kind === 'updated') lines.push(`  [更新] ${c.name} .${c.field}: ${show(c.from)} → ${show(c.to)}`);
    else if (c.kind === 'conflict') lines.push(`  [衝突(手修正を保持)] ${c.name} .${c.field}: カタログの値を保持: ${show(c.from)} ／ 文書の新しい値: ${show(c.to)}`);
    else lines.push(`  [手修正を保持] ${c.name} .${c.field}: カタログの値を保持: ${show(c.from)} ／ 文書の値: ${show(c.to)}`);
  }
  for (const e of merge.added) lines.push(`  [追加] ${e.name}（${e.agency}）`);
  for (const e of merge.vanished) lines.push(`  [文書になし] ${e.name}（${e.agency}） (カタログには残しています)`);
  if (write) lines.push('', result.changed ? '書き込みました。' : '変更はありません。');
  else if (result.changed) lines.push('', '--write を付けると書き込みます。');
  else lines.push('', 'カタログは文書と一致しています。');
  out.write(lines.join('\n') + '\n');
  return !write && result.changed ? 1 : 0;
}
