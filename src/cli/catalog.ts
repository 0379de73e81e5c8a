import { existsSync } from 'node:fs';
import path from 'node:path';
import { AgencyDirectory } from '../catalog/agencies.js';
import { KEY_PROJECT_NUMBERS, KEY_PROJECTS } from '../catalog/key-projects.js';
import { CatalogError, loadAgencies, loadCatalog } from '../catalog/load.js';
import { readNeedsFile } from '../catalog/needs-file.js';
import { unusedNeeds } from '../catalog/needs.js';
import type { Paths } from '../config.js';
import { catalogProblemsText, parseCommandArgs, type CliIo } from './io.js';

/**
 * `shien catalog [--json]`: the loaded catalog as JSON, or a readable summary. A broken
 * catalog: its problems on stderr (with --json also in the JSON document), exit 1.
 */
export async function catalogCommand(args: string[], paths: Paths, { out, err }: CliIo): Promise<number> {
  const json = parseCommandArgs(args, { json: { type: 'boolean' } }, { positionals: false }).values.json === true;
  let catalog;
  let needs;
  try {
    // The programs' needs are checked against seeds/needs.yaml, as search loads them.
    needs = await readNeedsFile(paths.needsFile);
    catalog = await loadCatalog(paths.catalogDir, needs ? { needs } : {});
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    if (json) out.write(JSON.stringify({ programs: [], problems: error.problems }) + '\n');
    err.write(catalogProblemsText('カタログを読み込めません', error));
    return 1;
  }
  const agencies = new AgencyDirectory(await loadAgencies(paths.agenciesFile));
  // A program whose agency agencies.yaml does not know: the catalog loads, but its cards have no
  // body to name or call. A problem in both outputs (--json passed it with exit 0).
  const unregistered = catalog.programs.filter((p) => !agencies.resolve(p.agency));
  const agencyProblems = unregistered.map((p) => ({ file: catalog.fileOf.get(p.id) ?? paths.catalogDir, field: 'agency', message: `agencies.yaml に未登録の機関です: ${p.agency} (${p.name})` }));
  if (json) {
    out.write(JSON.stringify({ programs: catalog.programs, ...(agencyProblems.length ? { problems: agencyProblems } : {}) }, null, 2) + '\n');
    for (const p of agencyProblems) err.write(`${p.file} ${p.field}: ${p.message}\n`);
    return agencyProblems.length ? 1 : 0;
  }
  const lines: string[] = [`カタログ: ${catalog.programs.length} 件 (${paths.catalogDir})`, '', '機関別:'];
  const byAgency = new Map<string, number>();
  const unknownAgencies = new Set(unregistered.map((p) => p.agency));
  for (const p of catalog.programs) {
    const agency = agencies.resolve(p.agency);
    const key = agency ? `${agency.name} (${agency.kind})` : `${p.agency} (未登録)`;
    byAgency.set(key, (byAgency.get(key) ?? 0) + 1);
  }
  for (const [k, n] of [...byAgency].sort((a, b) => b[1] - a[1])) lines.push(`  ${String(n).padStart(3)}  ${k}`);
  lines.push('', '重点プロジェクト別:');
  for (const n of KEY_PROJECT_NUMBERS) {
    const count = catalog.programs.filter((p) => p.keyProjects?.includes(n)).length;
    lines.push(`  ${String(count).padStart(3)}  ${'①②③④'[n - 1]}${KEY_PROJECTS[n]}`);
  }
  lines.push(`  ${String(catalog.programs.filter((p) => !p.keyProjects?.length).length).padStart(3)}  (記載なし)`);
  const review = catalog.programs.filter((p) => p.reviewNote?.startsWith('要確認'));
  lines.push('', '検証:', '  スキーマ: 問題なし');
  lines.push(unknownAgencies.size ? `  agencies.yaml に未登録の機関: ${[...unknownAgencies].join(', ')}` : '  機関: すべて agencies.yaml に登録済み');
  for (const p of agencyProblems) lines.push(`    ${p.file} ${p.field}: ${p.message}`);
  // The schema documents source.document as a file under seeds/sources/: a name that is not
  // there cannot be cited (a typo, or a document never added).
  const sourcesDir = path.join(paths.seedsDir, 'sources');
  const missing = [...new Set(catalog.programs.map((p) => p.source?.document).filter((d): d is string => Boolean(d)))].filter((d) => !existsSync(path.join(sourcesDir, d)));
  if (missing.length) lines.push(`  出典の文書が ${sourcesDir} にありません: ${missing.join(', ')} (${catalog.programs.filter((p) => p.source?.document && missing.includes(p.source.document)).length} 件)`);
  if (needs) {
    const unused = unusedNeeds(needs, catalog.programs);
    lines.push(unused.length ? `  needs.yaml の相談の種類のうち、どの事業にもないもの (警告): ${unused.join(' / ')}` : `  相談の種類: すべて needs.yaml にあり、needs.yaml の ${needs.needs.length} 件すべてがどれかの事業に付いています`);
  }
  lines.push(`  予算の記載なし: ${catalog.programs.filter((p) => p.budgetThousandYen == null).length} 件`);
  lines.push(`  要確認のメモが残る事業: ${review.length} 件`);
  out.write(lines.join('\n') + '\n');
  return unknownAgencies.size ? 1 : 0;
}
