import type { Program } from '../catalog/schema.js';
import { toJstIso } from './period.js';
import { isImported, type SourceName } from './program.js';

/** Where a program comes from, for JSON output: `source` always; `url`, `acceptance` and `delistedAt` (JST, +09:00) where known. */
export function sourceFields(program: Program): { source: 'catalog' | SourceName; url?: string; acceptance?: { start?: string; end?: string }; delistedAt?: string } {
  if (!isImported(program)) return { source: 'catalog' };
  const { url, acceptance, closedAt } = program.imported;
  const period = acceptance && {
    ...(acceptance.start ? { start: toJstIso(new Date(acceptance.start)) } : {}),
    ...(acceptance.end ? { end: toJstIso(new Date(acceptance.end)) } : {}),
  };
  // 掲載終了: when the source stopped listing it (its dates no longer say it is open).
  return { source: program.imported.source, ...(url ? { url } : {}), ...(period ? { acceptance: period } : {}), ...(closedAt ? { delistedAt: toJstIso(new Date(closedAt)) } : {}) };
}
