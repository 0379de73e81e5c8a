import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CatalogError, validateYaml } from '../catalog/load.js';
import { normalizeText } from './normalize.js';

/**
 * `seeds/variants.yaml` as staff write it, validated. Apart from the Variants it becomes
 * (variants.ts) so that a start serving from the index file does not load zod.
 */
const form = z.string().trim().min(1, '空文字は使えません');
export const VariantsFileSchema = z
  .object({
    variants: z.array(z.array(form).min(2, '表記ゆれには 索引で使う形と ほかの書き方 (合わせて 2 つ以上) が必要です')).default([]),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.variants.forEach((group, i) => {
      group.forEach((f, j) => {
        const key = normalizeText(f);
        const before = seen.get(key);
        if (before !== undefined) ctx.addIssue({ code: 'custom', path: ['variants', i, j], message: `「${f}」は ${before + 1} 番目の表記ゆれにもあります` });
        else seen.set(key, i);
      });
    });
  });
export type VariantsFile = z.infer<typeof VariantsFileSchema>;

/**
 * Reads and validates variants.yaml; a broken file is refused with its line and field. The
 * file is optional: without it only the built-in folds (width, long-vowel marks) apply.
 */
export async function readVariantsFile(file: string | undefined): Promise<VariantsFile> {
  if (!file || !existsSync(file)) return { variants: [] };
  const { data, problems } = validateYaml(file, await readFile(file, 'utf8'), VariantsFileSchema);
  if (!data) throw new CatalogError(problems);
  return data;
}
