// Mutants StrykerJS leaves alive in the critical modules, each with why no test should kill it
// (matched by file, original text and replacement; see scripts/mutation-test.ts).
export interface EquivalentMutant {
  file: string
  original: string
  replacement: string
  reason: string
}

export const EQUIVALENT_MUTANTS: EquivalentMutant[] = []
