import t from 'tap'
import { startPostgres } from '../helpers/postgres.ts'
import { checkTampering, postgresDatabase, sqliteDatabase } from './tamper.ts'

t.test('client history tampering (SQLite)', async t => {
  await checkTampering(t, sqliteDatabase)
})

t.test('client history tampering (PostgreSQL)', async t => {
  const server = await startPostgres(t)
  await checkTampering(t, t => postgresDatabase(t, server.url))
})
