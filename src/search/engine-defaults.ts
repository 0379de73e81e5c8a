import { ALONE_COST_IN_ENTRIES } from './intent-lists.js';
import type { SearchEngineOptions } from './search-types.js';

/** The search engine's weights and budgets when its input gives none, and how they were chosen. */

/**
 * Intents' lists kept across questions (intent-lists.ts), per program: a few dozen intents list
 * up to half the catalog each; 16 entries (192 bytes) per program is 19 MB at 100,000 programs.
 */
const INTENT_LIST_BUDGET_PER_PROGRAM = 16;

// Chosen by a sweep on tests/fixtures/queries.yaml (overall recall@5 moved by < 0.01 across
// the grid, so these are not finely tuned; vocabulary matters far more). Issue 16 swept the
// intents again: intentWeight 1 → 0.5 and purposeScore 8 → 16 (colloquial recall@5 0.794 →
// 0.835; 12 to 24 equal): the purposes reviewed per program say more than the intent's words.
// Session 23, with 18–20 相談例 per program (was 14–16), swept on the two tuning sets:
// consultationScore 30 → 20 (blind recall@5 0.717 → 0.726, first set's colloquial 0.871 →
// 0.879, every other kind unchanged): with more 相談例, a program whose 相談例 says the
// question needs less to reach the page. synonymWeight 0.2 gained on the blind set too, but
// cost a keyword question, so it stays.
// Session 24, the purpose model (purpose-model.ts), swept on the two tuning sets: blind
// recall@5/MRR 0.726/0.875 → 0.750/0.880 at purposeModelScore 4, purposeModelMin 0.2 (3–5 and
// 0.1–0.25 within 0.005; 8 or a 0.5 minimum lost most of it), first set unchanged. Adding every
// purpose above the minimum, not the likeliest alone, gave 0.752 for twice the programs added;
// reordering only the programs already found gave 0.738. Catalog shares as the prior: 0.727.
// Then the finer needs (相談の種類, 70, tagged per program): needModelScore 4 (2–8 within
// 0.005), minimum 0.2: blind 0.750 / 0.880 → 0.754 / 0.887, first set's keyword 0.890 → 0.900.
// Boosting the programs found by a factor instead of a sum gained on the first set's
// colloquial questions (0.879 → 0.897 at ×(1 + p)) and lost as much on the blind set.
// Session 25, the 相談例 read character by character (consultation-grams.ts), fused with the
// engine's first 30 by reciprocal rank, on the two tuning sets: gramWeight 0.5 with questions of
// 10 characters or more: first set's colloquial 0.879 → 0.893 (MRR 0.917 either way), blind
// 0.763 / 0.892 → 0.785 / 0.898 (0.796 / 0.904 reading pairs with hiragana too, dropped: see
// consultation-grams.ts). Weight 0.3–0.7 gave 0.776–0.797; 1 gave 0.765 (MRR 0.907). Every
// question (no minimum length) cost the first set's short ones: 0.851.
export const DEFAULTS: Required<SearchEngineOptions> = { partsWeight: 0.5, synonymWeight: 0.3, intentWeight: 0.5, softMaxRest: 0.05, purposeScore: 16, generalSynonymWeight: 0.2, consultationScore: 20, purposeModelScore: 4, purposeModelMin: 0.2, needModelScore: 4, needModelMin: 0.2, gramWeight: 0.5, gramMinLength: 10, clauseDepth: 5, intentListBudget: INTENT_LIST_BUDGET_PER_PROGRAM, intentAloneCost: ALONE_COST_IN_ENTRIES };
