import t from 'tap'
import pino from 'pino'
import { createFilterViolationReporter } from '../../src/teams/filter-violations.ts'

t.test('createFilterViolationReporter ...should log at most once a minute per operation, with what it left unlogged', async t => {
  const lines: Array<Record<string, unknown>> = []
  const log = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line)) } })
  let now = 1_000_000
  const report = createFilterViolationReporter(() => now)
  report(log, 'listClients', 'acme', 3)
  report(log, 'listClients', 'globex', 2)
  report(log, 'listAuthorizedClients', 'acme', 1)
  now += 59_999
  report(log, 'listClients', 'acme', 4)
  t.same(lines.map(({ operation, dropped }) => ({ operation, dropped })), [{ operation: 'listClients', dropped: 3 }, { operation: 'listAuthorizedClients', dropped: 1 }])
  now += 1
  report(log, 'listClients', 'initech', 5)
  t.match(lines[2], { level: 40, operation: 'listClients', team: 'initech', dropped: 5, droppedUnloggedBefore: 6 })
  t.equal(lines.length, 3)
})
