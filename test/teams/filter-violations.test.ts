import t from 'tap'
import pino from 'pino'
import { createFilterViolationReporter } from '../../src/teams/filter-violations.ts'
import { channels } from '../../src/ops/channels.ts'

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

t.test('createFilterViolationReporter ...should publish every report on the metrics channel and log what it did', async t => {
  const published: unknown[] = []
  const listen = (message: unknown) => { published.push(message) }
  channels.upstreamFilterViolation.subscribe(listen)
  t.teardown(() => { channels.upstreamFilterViolation.unsubscribe(listen) })
  const lines: Array<Record<string, unknown>> = []
  const log = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line)) } })
  const report = createFilterViolationReporter(() => 5_000)
  report(log, 'listClients', 'acme', 3)
  report(log, 'listClients', 'globex', 2)
  t.same(published, [{ operation: 'listClients', dropped: 3 }, { operation: 'listClients', dropped: 2 }], 'the unlogged one counted too')
  t.same(lines.map(({ level, operation, team, dropped, droppedUnloggedBefore, msg }) => ({ level, operation, team, dropped, droppedUnloggedBefore, msg })), [{
    level: 40,
    operation: 'listClients',
    team: 'acme',
    dropped: 3,
    droppedUnloggedBefore: 0,
    msg: 'upstream list answered clients outside its developer filter: dropped, the page rebuilt from a checked scan'
  }])
})
