import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { inFlightLeaseMs } from '../../src/idempotency/idempotency-plugin.ts'

function problemOf (env: Record<string, string>): string {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n')
    throw error
  }
  return ''
}

t.test('loadConfig ...should keep idempotency keys 24 hours by default, take fractions of an hour, and refuse 0 or more than 720', async t => {
  t.equal(loadConfig({}).IDEMPOTENCY_TTL_HOURS, 24)
  t.equal(loadConfig({ IDEMPOTENCY_TTL_HOURS: '0.5' }).IDEMPOTENCY_TTL_HOURS, 0.5)
  t.match(problemOf({ IDEMPOTENCY_TTL_HOURS: '0' }), /IDEMPOTENCY_TTL_HOURS/)
  t.match(problemOf({ IDEMPOTENCY_TTL_HOURS: '721' }), /IDEMPOTENCY_TTL_HOURS/)
  t.match(problemOf({ IDEMPOTENCY_TTL_HOURS: 'a day' }), /IDEMPOTENCY_TTL_HOURS/)
})

t.test('inFlightLeaseMs ...should outlast the longest a mutation can run: 4 upstream deadlines and 4 audit waits (48 s by default)', async t => {
  t.equal(inFlightLeaseMs(loadConfig({})), 48_000)
  t.equal(inFlightLeaseMs(loadConfig({ AUTHLETE_TIMEOUT_MS: '1000', AUDIT_WRITE_TIMEOUT_MS: '500' })), 6000)
})
