import t from 'tap'
import { startPostgres } from '../helpers/postgres.ts'
import { checkScenarios, postgresTrail } from './tamper.ts'

t.test('audit trail tampering (PostgreSQL)', async t => {
  const server = await startPostgres(t)
  await checkScenarios(t, t => postgresTrail(t, server.url))
})
