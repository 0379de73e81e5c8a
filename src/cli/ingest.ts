import path from 'node:path';
import { AgencyDirectory } from '../catalog/agencies.js';
import { defaultPaths, ingestDocument, NoProgramCardsError } from '../catalog/ingest/ingest.js';
import { CatalogError, loadAgencies } from '../catalog/load.js';
import type { Paths } from '../config.js';
import { catalogProblemsText, parseCommandArgs, UsageError, type CliIo } from './io.js';

const show = (v: unknown) => {
  const s = v === undefined ? '(なし)' : typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 60).replace(/\n/gu, ' ') + '…' : s.replace(/\n/gu, ' ');
};

/**
 * `shien ingest <document.txt> [--write]`: parse a program-list document and merge it
 * into <SHIEN_CATALOG_DIR>/<stem>.yaml. Without --write it only reports (exit 1 when the
 * catalog would change), so it doubles as a check. A document with no program cards, an
 * unreadable one or a catalog file that does not load: exit 1, nothing written.
 */
export async function ingestCommand(args: string[], paths: Paths, { out, err }: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { write: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `文書は 1 つだけ指定します (指定: ${positionals.join(' ')})` : '文書を指定してください');
  const document = path.resolve(positionals[0]!);
  const write = values.write === true;
  const ingestPaths = defaultPaths(document, paths.seedsDir, paths.catalogDir);
  const agencies = new AgencyDirectory(await loadAgencies(paths.agenciesFile));
  let result;
  try {
    result = await ingestDocument(ingestPaths, { write, aliasesOf: (a) => agencies.spellingsOf(a) });
  } catch (error) {
    if (error instanceof NoProgramCardsError) err.write(error.message + '\n');
    else if (error instanceof CatalogError) err.write(catalogProblemsText('カタログのファイルに問題があるため取り込めません', error));
    else if ((error as NodeJS.ErrnoException).code === 'EISDIR') err.write(`文書を読めません: ${document} はディレクトリです (文書のテキストファイルを 1 つ指定してください)\n`);
    else if ((error as NodeJS.ErrnoException).path === document) err.write(`文書を読めません: ${document} (${(error as NodeJS.ErrnoException).code})\n`);
    else throw error;
    return 1;
  }
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
  const snapshot = path.relative(process.cwd(), ingestPaths.snapshotFile);
  if (write) {
    lines.push('', result.changed ? `書き込みました。(${path.relative(process.cwd(), ingestPaths.catalogFile)})` : '変更はありません。');
    if (result.snapshotChanged) lines.push(`取り込み記録を更新しました: ${snapshot} (次回の突き合わせの基準)`);
  } else {
    lines.push('', result.changed ? '--write を付けると書き込みます。' : 'カタログは文書と一致しています。');
    if (result.snapshotChanged) lines.push(`取り込み記録 ${snapshot} は前回の読み取りと違います (--write で更新します)`);
  }
  out.write(lines.join('\n') + '\n');
  return !write && result.changed ? 1 : 0;
}
