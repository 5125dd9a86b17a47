import t from 'tap'
import { checkScenarios, sqliteTrail } from './tamper.ts'

t.test('audit trail tampering (SQLite file)', async t => {
  await checkScenarios(t, sqliteTrail)
})
