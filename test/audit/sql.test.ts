import t from 'tap'
import { numberPlaceholders } from '../../src/audit/stores/postgres-audit-store.ts'
import { recordQuery, toEntry, toPage, type RecordRow } from '../../src/audit/stores/sql.ts'

// The shared SQL's pure parts; what the statements select is checked on real databases by the
// store contract (store-contract.ts).

t.test('numberPlaceholders ...should number the shared ? placeholders $1..$n in order', async t => {
  t.equal(numberPlaceholders('a = ? AND b < ? LIMIT ?'), 'a = $1 AND b < $2 LIMIT $3')
  t.equal(numberPlaceholders('SELECT 1'), 'SELECT 1')
})

t.test('recordQuery ...should read the actor\'s source from the intent in each dialect\'s JSON syntax', async t => {
  const query = { limit: 10, source: 'oidc' }
  const sqlite = recordQuery(query, 'sqlite')
  const postgres = recordQuery(query, 'postgres')
  t.match(sqlite.sql, 'COALESCE(json_extract(i.data, \'$.source\'), \'local\') = ?')
  t.match(postgres.sql, 'COALESCE((i.data::json ->> \'source\'), \'local\') = ?')
  t.same(postgres.params, ['oidc', 11], 'the source, then one more than the limit')
  t.same(sqlite.params, postgres.params)
})

t.test('recordQuery ...should ask for one record more than the limit, after every filter\'s values in order', async t => {
  const { params } = recordQuery({ limit: 2, actor: 'alice', clientId: ['1', 'a'], action: 'client.lock', team: 'red', since: 's', until: 'u', cursor: 9, outcome: 'success' }, 'sqlite')
  t.same(params, ['alice', 'local', '1', 'a', 'client.lock', 'red', 's', 'u', 9, 'success', 3])
})

t.test('recordQuery ...should give a caller of several teams one placeholder per team when it masks records outside them', async t => {
  for (const outcome of ['denied', 'failure'] as const) {
    const { sql, params } = recordQuery({ limit: 5, outcome, visibleTo: { teams: ['acme', 'globex'] } }, 'sqlite')
    t.match(sql, /i\.team NOT IN \(\?, \?\)/, outcome)
    t.equal(sql.split('?').length - 1, params.length, `${outcome}: as many placeholders as values`)
  }
})

t.test('toPage ...should answer at most limit records and a cursor only when a further row was read', async t => {
  const row = (seq: number): RecordRow => ({ seq: String(seq), request_id: `r${seq}`, time: 't', data: '{"actor":"a","clientId":null}', outcome_time: null, outcome_data: null })
  t.same(toPage([row(5), row(4), row(3)], { limit: 2 }).records.map(record => record.id), [5, 4])
  t.equal(toPage([row(5), row(4), row(3)], { limit: 2 }).nextCursor, 4)
  t.equal(toPage([row(5), row(4)], { limit: 2 }).nextCursor, null)
  t.same(toPage([], { limit: 2 }), { records: [], nextCursor: null })
})

t.test('toEntry ...should give the team column only when the row has one', async t => {
  const row = { seq: '7', kind: 'intent', request_id: 'r', time: 't', actor: 'a', action: 'b', client_id: 'c', outcome: null, data: '{"x":1}', prev_hash: 'p', hash: 'h', team: null }
  t.same(toEntry(row), { seq: 7, kind: 'intent', requestId: 'r', time: 't', data: { x: 1 }, prevHash: 'p', hash: 'h', columns: { actor: 'a', action: 'b', clientId: 'c', outcome: null } })
  t.notOk('team' in toEntry(row).columns)
  t.notOk('team' in toEntry({ ...row, team: undefined as unknown as null }).columns, 'a row read before the column existed')
  t.same(toEntry({ ...row, team: 'red' }).columns, { actor: 'a', action: 'b', clientId: 'c', outcome: null, team: 'red' })
})
