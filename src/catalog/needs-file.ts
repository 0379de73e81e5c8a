import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { NEED_NAME_MAX } from './constants.js';
import { CatalogError, validateYaml } from './load.js';
import { PurposeSchema } from './schema.js';
import type { NeedsTaxonomy } from './needs.js';

/**
 * `seeds/needs.yaml` as staff write it, validated: the names a program's `needs` may use, each
 * with a line of description and the purposes it falls under. Optional: without the file the
 * catalog's needs are not checked (seeds directories older than the file keep loading).
 */
/** Most characters of a description: one line of a list. */
const DESCRIPTION_MAX = 200;
/** Width, case and spaces folded: two names the same in this form would be one need to a `相談:` filter. */
const sameNameForm = (name: string) => name.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

export const NeedsFileSchema = z
  .object({
    needs: z
      .array(
        z
          .object({
            name: z.string().trim().min(1, '空文字は使えません').max(NEED_NAME_MAX, `相談の種類の名前 (name) は ${NEED_NAME_MAX} 文字以内です`),
            description: z
              .string({ error: '説明 (description) がありません: どんな相談か一行で書いてください' })
              .trim()
              .min(1, '説明 (description) が空です')
              .max(DESCRIPTION_MAX, `説明 (description) は ${DESCRIPTION_MAX} 文字以内です`),
            purposes: z.array(PurposeSchema).min(1, '目的 (purposes) を書くときは 1 つ以上です (分からなければ項目ごと書かないでください)').optional(),
          })
          .strict(),
      )
      .min(1, '相談の種類が 1 つもありません'),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.needs.forEach((need, i) => {
      const key = sameNameForm(need.name);
      const before = seen.get(key);
      if (before !== undefined) ctx.addIssue({ code: 'custom', path: ['needs', i, 'name'], message: `「${need.name}」は ${before + 1} 番目の相談の種類と同じ名前です` });
      else seen.set(key, i);
    });
  });
export type NeedsFile = z.infer<typeof NeedsFileSchema>;

/**
 * Reads and validates needs.yaml; a broken file is refused (CatalogError) with its line and
 * field. Undefined when there is no file: then nothing checks the catalog's needs.
 */
export async function readNeedsFile(file: string | undefined): Promise<NeedsTaxonomy | undefined> {
  if (!file || !existsSync(file)) return undefined;
  const { data, problems } = validateYaml(file, await readFile(file, 'utf8'), NeedsFileSchema);
  if (!data) throw new CatalogError(problems);
  return data;
}
