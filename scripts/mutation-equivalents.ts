// Mutants StrykerJS leaves alive in the critical modules, each with why no test should kill it
// (matched by file, original text and replacement; see scripts/mutation-test.ts).
export interface EquivalentMutant {
  file: string
  original: string
  replacement: string
  reason: string
}

const CHAIN = 'src/audit/chain.ts'
const DISTINCT_KEYS = 'Equivalent: the keys of one object are distinct, so the comparator is never asked about equal keys.'
const LESS_ONLY = 'Equivalent: the comparator still answers -1 exactly when a < b; V8 sorts arrays this short (entries have a dozen keys at most) by binary insertion, which only asks whether the answer is below 0.'
const PRUNE_VOUCH = 'Defence in depth: a checkpoint that matches the first kept entry on one of seq and hash but not the other needs that entry or the checkpoint edited, which breaks a hash or a link that verify reports first (the tamper scenarios and the pruning tests cover those).'
const OPERATIONS = 'src/upstream/operations.ts'

export const EQUIVALENT_MUTANTS: EquivalentMutant[] = [
  { file: CHAIN, original: "','", replacement: '""', reason: 'Killed since by test/audit/tamper.test.ts "an entry\'s hash ...should be the documented SHA-256" (written after this run).' },
  { file: CHAIN, original: 'Object.entries(value).filter(([, v]) => v !== undefined)', replacement: 'Object.entries(value)', reason: 'Killed since by test/audit/tamper.test.ts "an entry\'s hash ...should be the documented SHA-256" (an undefined property).' },
  { file: CHAIN, original: 'v !== undefined', replacement: 'true', reason: 'Killed since by test/audit/tamper.test.ts "an entry\'s hash ...should be the documented SHA-256" (an undefined property).' },
  { file: CHAIN, original: 'a < b', replacement: 'a <= b', reason: DISTINCT_KEYS },
  { file: CHAIN, original: 'a > b', replacement: 'true', reason: DISTINCT_KEYS },
  { file: CHAIN, original: 'a > b', replacement: 'a >= b', reason: DISTINCT_KEYS },
  { file: CHAIN, original: 'a > b', replacement: 'false', reason: LESS_ONLY },
  { file: CHAIN, original: 'a > b', replacement: 'a <= b', reason: LESS_ONLY },
  { file: CHAIN, original: "entry.kind === 'intent'", replacement: 'true', reason: 'Equivalent: outcome and checkpoint data have no action nor clientId, so the column is null either way.' },
  { file: CHAIN, original: "entry.kind === 'checkpoint'", replacement: 'true', reason: 'Equivalent: only a checkpoint\'s data has prunedThroughSeq and prunedThroughHash; for any other entry both are undefined and never match.' },
  { file: CHAIN, original: 'checkpoint.prunedThroughSeq === unvouched.seq - 1 && checkpoint.prunedThroughHash === unvouched.prevHash', replacement: 'checkpoint.prunedThroughSeq === unvouched.seq - 1 || checkpoint.prunedThroughHash === unvouched.prevHash', reason: PRUNE_VOUCH },
  { file: CHAIN, original: 'checkpoint.prunedThroughSeq === unvouched.seq - 1', replacement: 'true', reason: PRUNE_VOUCH },
  { file: CHAIN, original: 'checkpoint.prunedThroughHash === unvouched.prevHash', replacement: 'true', reason: PRUNE_VOUCH },
  { file: CHAIN, original: 'unvouched.seq - 1', replacement: 'unvouched.seq + 1', reason: 'Killed since by the tamper scenario "the oldest entries deleted without a checkpoint" (exact problem text).' },
  { file: OPERATIONS, original: 'template === undefined', replacement: 'true', reason: 'Equivalent: the per-operation template is a cache; building it again gives the same path.' },
  { file: OPERATIONS, original: 'op.query.length === 0', replacement: 'false', reason: 'Equivalent: an operation without query names builds an empty search, and an empty search returns the bare path.' },
  { file: OPERATIONS, original: "''", replacement: '"Stryker was here!"', reason: 'Unreachable: the configuration requires AUTHLETE_SERVICE_ID with API v3, and the sandbox always has one.' }
]
