import t from 'tap'
import { loadConfig } from '../../src/config.ts'
import { serverOptions, START_UP_TIMEOUT_MS } from '../../src/http/server-options.ts'

t.test('serverOptions ...should let start-up take longer than Fastify\'s 10 s default', async t => {
  t.ok(START_UP_TIMEOUT_MS >= 60_000, 'a minute at least, for a throttled container')
  t.equal(serverOptions(loadConfig({})).pluginTimeout, START_UP_TIMEOUT_MS)
})
