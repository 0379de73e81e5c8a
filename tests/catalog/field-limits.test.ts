/**
 * A runaway field (a megabyte pasted by mistake) is refused when the catalog is read, with its
 * file, line and field, and the engine already serving keeps serving; it is never analysed.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogError, loadAgencies, loadCatalog } from '../../src/catalog/load.js';
import { TEXT_LIMITS } from '../../src/catalog/schema.js';
import { readSynonymsFile } from '../../src/search/synonyms-file.js';
import { tempDir } from './support.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

async function fileIn(name: string, text: string): Promise<string> {
  const dir = await tempDir('limits');
  made.push(dir);
  await mkdir(path.join(dir, 'catalog'), { recursive: true });
  await writeFile(path.join(dir, name), text);
  return dir;
}

const MEGABYTE = 'あ'.repeat(1024 * 1024 / 3); // about a megabyte of UTF-8

async function refusal(load: () => Promise<unknown>): Promise<CatalogError> {
  const error = await load().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CatalogError);
  return error as CatalogError;
}

describe('catalog text fields are bounded', () => {
  it('a 1 MB overview is refused with its file, line, entry and field, saying how long it is', async () => {
    const yaml = ['- name: 普通の事業', '  agency: 県新産業創出室', '  overview: 短い概要', '- name: 長すぎる事業', '  agency: 県新産業創出室', `  overview: ${MEGABYTE}`, ''].join('\n');
    const dir = await fileIn('catalog/programs.yaml', yaml);
    const error = await refusal(() => loadCatalog(path.join(dir, 'catalog')));
    expect(error.problems).toEqual([
      { file: 'programs.yaml', line: 6, entry: 1, field: 'overview', message: `長すぎます (${MEGABYTE.length.toLocaleString('en-US')} 文字、上限 5,000 文字)` },
    ]);
  });

  /** A catalog file of one program with `field` set to `value`. */
  const program = (field: string, value: string) => {
    const fields: Record<string, string> = { name: '事業', agency: '県新産業創出室', [field]: value };
    return '- ' + Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('\n  ') + '\n';
  };

  it.each(Object.entries(TEXT_LIMITS).filter(([field]) => field !== 'document'))('%s: %i characters pass, one more is refused', async (field, limit) => {
    const ok = await fileIn('catalog/a.yaml', program(field, '字'.repeat(limit)));
    await expect(loadCatalog(path.join(ok, 'catalog'))).resolves.toMatchObject({ programs: [expect.anything()] });
    const bad = await fileIn('catalog/a.yaml', program(field, '字'.repeat(limit + 1)));
    const error = await refusal(() => loadCatalog(path.join(bad, 'catalog')));
    expect(error.problems.map((p) => [p.field, p.message])).toEqual([[field, expect.stringContaining('長すぎます')]]);
  });

  it('an agency name or alias and a synonyms word are bounded too', async () => {
    const agencies = await fileIn('agencies.yaml', ['- id: test-body', '  name: テスト機関', '  kind: 団体', `  aliases: [短い, ${'長'.repeat(101)}]`, ''].join('\n'));
    const agencyError = await refusal(() => loadAgencies(path.join(agencies, 'agencies.yaml')));
    expect(agencyError.problems).toEqual([expect.objectContaining({ line: 4, field: 'aliases.1', message: expect.stringContaining('長すぎます') })]);

    const synonyms = await fileIn('synonyms.yaml', ['groups:', `  - [創業, ${'起'.repeat(51)}]`, ''].join('\n'));
    const synonymError = await refusal(() => readSynonymsFile(path.join(synonyms, 'synonyms.yaml')));
    expect(synonymError.problems).toEqual([expect.objectContaining({ line: 2, message: '言葉は 50 文字以内です' })]);
  });
});
