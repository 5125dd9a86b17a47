// StrykerJS over the critical modules, one group at a time (npm run test:mutation, see
// scripts/mutation-test.ts and docs/mutation-report.md). MUTATION_GROUP names the group; each group
// runs only the test files that exercise its modules, and perTest coverage runs, for each mutant,
// only the files that reach it.
import { MUTATION_GROUPS } from './scripts/mutation-groups.ts'

const group = MUTATION_GROUPS[process.env.MUTATION_GROUP ?? '']
if (group === undefined) throw new Error(`MUTATION_GROUP must be one of ${Object.keys(MUTATION_GROUPS).join(', ')}`)

// A test file run on its own (as the tap runner does) gets tap's 30 s default; a busy machine needs more.
process.env.TAP_TIMEOUT ??= '600'

export default {
  testRunner: 'tap',
  coverageAnalysis: 'perTest',
  mutate: group.mutate,
  tap: { testFiles: group.tests, forceBail: true },
  // Two cores shared with other work: one or two test processes at a time.
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  // Test files start apps, servers and PostgreSQL clusters: generous, as the machine may be busy.
  timeoutMS: 60_000,
  timeoutFactor: 3,
  reporters: ['clear-text', 'json', 'progress'],
  jsonReporter: { fileName: `reports/mutation/${process.env.MUTATION_GROUP}.json` },
  clearTextReporter: { allowColor: false, logTests: false },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['dist', 'reports', 'test-artifacts', 'data', '.tap']
}
