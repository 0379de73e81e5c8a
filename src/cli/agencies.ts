import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { AgencyDirectory } from '../catalog/agencies.js';
import { agencyContacts, isStale, japanDate, type StaffContact } from '../catalog/contacts.js';
import { CatalogError, loadAgencies, loadCatalog } from '../catalog/load.js';
import type { Agency, Contact } from '../catalog/schema.js';
import type { Paths } from '../config.js';
import { readStaffEdits } from '../contacts/read.js';
import { catalogProblemsText, parseCommandArgs, UsageError, type CliIo } from './io.js';


interface AgencyReport {
  agency: Agency;
  programs: number;
  contacts: Contact[];
  edit?: StaffContact;
}

const FIELD_LABELS: [keyof Contact, string][] = [
  ['desk', '窓口'],
  ['phone', '電話'],
  ['email', 'メール'],
  ['url', 'Web'],
  ['address', '所在地'],
  ['hours', '受付'],
];

function daysSince(day: string, today: Date): number {
  return Math.round((Date.parse(japanDate(today)) - Date.parse(day)) / 86_400_000);
}

function textReport(reports: AgencyReport[], today: Date): string {
  const lines: string[] = [];
  let reachable = 0;
  let websiteOnly = 0;
  for (const r of reports) {
    lines.push(`${r.agency.name}（${r.agency.kind}）  事業 ${r.programs} 件`);
    if (!r.contacts.length) lines.push('  連絡先未登録');
    for (const c of r.contacts) {
      const fields = FIELD_LABELS.filter(([k]) => c[k]).map(([, label]) => label);
      const age = daysSince(c.checkedOn, today);
      const stale = isStale(c.checkedOn, today) ? '  要確認' : '';
      const by = r.edit ? `  登録: ${r.edit.editedBy} ${japanDate(r.edit.editedAt)} (Slack)` : '';
      lines.push(`  ${fields.join('・')}  出典: ${c.source}  確認 ${c.checkedOn} (${age} 日前)${stale}${by}`);
    }
    if (r.contacts.some((c) => c.desk || c.phone || c.email || c.address)) reachable++;
    else if (r.contacts.length) websiteOnly++;
  }
  const none = reports.length - reachable - websiteOnly;
  lines.unshift(`機関 ${reports.length} 件: 連絡先あり ${reachable} / Web サイトのみ ${websiteOnly} / 連絡先未登録 ${none}`, '');
  return lines.join('\n') + '\n';
}

/**
 * seeds/agencies.yaml with the staff edits in place of the contacts they replace, comments
 * kept; each edit says who entered it and when in a comment (the schema has no field for it).
 * The output loads as seeds/agencies.yaml does, so it can be reviewed and committed.
 */
function exportYaml(text: string, edits: Map<string, StaffContact>): string {
  const yaml = parseDocument(text);
  if (!isSeq(yaml.contents)) return text;
  for (const item of yaml.contents.items) {
    if (!isMap(item)) continue;
    const id = item.get('id');
    const edit = typeof id === 'string' ? edits.get(id) : undefined;
    if (!edit) continue;
    (item as YAMLMap<unknown, unknown>).set('contacts', yaml.createNode([edit.contact]));
    // The comment above `contacts:` described the YAML's contact, and stayed above the staff
    // edit that replaced it, as if it described that (walk-through): the edit's own replaces it.
    const pair = (item as YAMLMap<unknown, unknown>).items.find((p) => isScalar(p.key) && p.key.value === 'contacts');
    if (pair && isScalar(pair.key)) pair.key.commentBefore = ` 登録: ${edit.editedBy} ${japanDate(edit.editedAt)} (Slack でスタッフが入力。出典と値を確かめてからコミットしてください)`;
  }
  // flowCollectionPadding: [a, b] as people write it (the default pads it to [ a, b ]: a
  // 22-line diff to review with no edit at all).
  return yaml.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * `shien agencies [--json | --export]`: how well each implementing body can be reached —
 * which contact fields it has, from which source, how old, edited in Slack or not, and how
 * many programs it runs. `--export` prints the merged directory as YAML for review.
 */
export async function agenciesCommand(args: string[], paths: Paths, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: 'boolean' }, export: { type: 'boolean' } }, { positionals: false });
  if (values.json && values.export) throw new UsageError('--json と --export は同時に使えません');
  let agencies: Agency[];
  let programs;
  try {
    agencies = await loadAgencies(paths.agenciesFile);
    programs = (await loadCatalog(paths.catalogDir)).programs;
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    io.err.write(catalogProblemsText('カタログを読み込めません', error));
    return 1;
  }
  const edits = await readStaffEdits(env);
  const agencyEdits = new Map(edits.filter((e) => e.target.kind === 'agency').map((e) => [e.target.id, e]));
  const directory = new AgencyDirectory(agencies);
  const counts = new Map<string, number>();
  for (const p of programs) {
    const a = directory.resolve(p.agency);
    if (a) counts.set(a.id, (counts.get(a.id) ?? 0) + 1);
  }
  const reports: AgencyReport[] = agencies.map((agency) => {
    const shown = agencyContacts(agency, (t) => (t.kind === 'agency' ? agencyEdits.get(t.id) : undefined));
    // An edit the YAML has since superseded (checked on a later day) is neither shown nor exported.
    const edit = shown.edited && agencyEdits.get(agency.id);
    return { agency, programs: counts.get(agency.id) ?? 0, contacts: shown.contacts, ...(edit ? { edit } : {}) };
  });

  if (values.export) {
    const served = new Map(reports.flatMap((r) => (r.edit ? [[r.agency.id, r.edit] as const] : [])));
    io.out.write(exportYaml(await readFile(paths.agenciesFile, 'utf8'), served));
    const programEdits = edits.filter((e) => e.target.kind === 'program');
    if (programEdits.length) {
      io.err.write(`事業ごとの連絡先 ${programEdits.length} 件は seeds/catalog/ の各事業の contact: に写してください: ${programEdits.map((e) => e.target.id).join(', ')}\n`);
    }
    return 0;
  }
  if (values.json) {
    const json = {
      agencies: reports.map((r) => ({
        name: r.agency.name,
        kind: r.agency.kind,
        programs: r.programs,
        contacts: r.contacts.map((c) => ({
          desk: c.desk,
          phone: c.phone,
          email: c.email,
          url: c.url,
          address: c.address,
          hours: c.hours,
          note: c.note,
          source: c.source,
          checkedOn: c.checkedOn,
          editedBy: r.edit?.editedBy,
        })),
      })),
    };
    io.out.write(JSON.stringify(json, null, 2) + '\n');
    return 0;
  }
  io.out.write(textReport(reports, new Date()));
  return 0;
}
