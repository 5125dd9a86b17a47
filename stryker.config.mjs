// StrykerJS over the critical modules, one group at a time (npm run test:mutation, see
// scripts/mutation-test.ts and docs/mutation-report.md). MUTATION_GROUP names the group; each group
// runs only the test files that exercise its modules, and perTest coverage runs, for each mutant,
// only the files that reach it.
import { resolve } from 'node:path'
import { MUTATION_GROUPS } from './scripts/mutation-groups.ts'

const group = MUTATION_GROUPS[process.env.MUTATION_GROUP ?? '']
if (group === undefined) throw new Error(`MUTATION_GROUP must be one of ${Object.keys(MUTATION_GROUPS).join(', ')}`)

// A test file run on its own (as the tap runner does) gets tap's 30 s default; a busy machine needs more.
process.env.TAP_TIMEOUT ??= '600'
// The tests run in a copy of the checkout (.stryker-tmp/sandbox-*), from where ../shared is not beside
// it: Authlete's documents are named by their real place (test/helpers/authlete-documents.ts).
process.env.AUTHLETE_DOCUMENTS_DIR ??= resolve('../shared/upstream')

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
  // dist/console stays: the test apps serve the built console (npm ci builds it).
  ignorePatterns: ['dist/src', 'reports', 'test-artifacts', 'data', '.tap']
}
