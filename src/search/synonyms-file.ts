import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CatalogError, validateYaml } from '../catalog/load.js';
import { PurposeSchema } from '../catalog/schema.js';
import type { Analyzer } from './analyzer.js';
import { Vocabulary } from './vocabulary.js';

/**
 * `seeds/synonyms.yaml` as staff write it, validated. Apart from the Vocabulary it becomes
 * (vocabulary.ts) so that a start serving from the index file, which carries the validated
 * file, does not load zod.
 */
/** Longest word staff may list (the bundled file's longest has 15 characters): analysed at every start. */
const MAX_WORD = 50;
const word = z.string().trim().min(1, '空文字は使えません').max(MAX_WORD, `言葉は ${MAX_WORD} 文字以内です`);
export const SynonymsFileSchema = z
  .object({
    groups: z.array(z.array(word).min(2, '言い換えのまとまりには 2 語以上が必要です')).default([]),
    intents: z
      .array(
        z
          .object({
            says: z.array(word).min(1),
            // Phrases that say this only in a question that names nothing else staff listed
            // (始めたい: 輸出を始めたい is about 輸出, カフェを始めたい about 開業).
            saysAlone: z.array(word).optional(),
            // Phrases after which the question means something else (空き店舗を借りたい is a shop
            // to rent, not a loan; 会社を売り込みたい is selling goods, not the company).
            unless: z.array(word).optional(),
            means: z.array(word).min(1),
            purposes: z.array(PurposeSchema).optional(),
          })
          .strict(),
      )
      .default([]),
    purposes: z.partialRecord(PurposeSchema, z.array(word)).default({}),
  })
  .strict();
export type SynonymsFile = z.infer<typeof SynonymsFileSchema>;

/** Reads and validates synonyms.yaml; a broken file is refused with its line and field. */
export async function readSynonymsFile(file: string): Promise<SynonymsFile> {
  const text = await readFile(file, 'utf8');
  const { data, problems } = validateYaml(file, text, SynonymsFileSchema);
  if (!data) throw new CatalogError(problems);
  return data;
}

export async function loadVocabulary(file: string, analyzer: Analyzer): Promise<Vocabulary> {
  return new Vocabulary(await readSynonymsFile(file), analyzer);
}

export function vocabularyFromObject(data: unknown, analyzer: Analyzer): Vocabulary {
  return new Vocabulary(SynonymsFileSchema.parse(data), analyzer);
}

