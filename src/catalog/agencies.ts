import { normalizeForId } from './ids.js';
import type { Agency } from './schema.js';

/** Looks up implementing bodies by any printed spelling (name or alias, width-insensitive). */
export class AgencyDirectory {
  private readonly bySpelling = new Map<string, Agency>();

  constructor(readonly agencies: readonly Agency[]) {
    for (const agency of agencies) {
      for (const spelling of [agency.name, ...agency.aliases]) this.bySpelling.set(normalizeForId(spelling), agency);
    }
  }

  /** The body a program's printed `agency` names, if registered. */
  resolve(printed: string): Agency | undefined {
    return this.bySpelling.get(normalizeForId(printed));
  }

  /** Every spelling of the body that `printed` names (for matching text). */
  spellingsOf(printed: string): string[] {
    const agency = this.resolve(printed);
    return agency ? [agency.name, ...agency.aliases] : [printed];
  }
}
