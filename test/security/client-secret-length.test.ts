import { test } from 'tap'
import { liveApp, upstreamCalls } from './support.ts'

const REPORTS = '27182818284590'

test('PUT /api/clients/:clientIdentifier/secret ...should answer 400 naming the 32-character minimum (RFC 6749 10.10) to a shorter secret, and forward nothing', async t => {
  const live = await liveApp(t)
  const forwarded = upstreamCalls(live.app)
  for (const secret of ['x', 'a'.repeat(31)]) {
    const response = await live.send('admin', 'PUT', `/api/clients/${REPORTS}/secret`, { clientSecret: secret })
    t.equal(response.status, 400, `${secret.length} characters`)
    const problem = await response.json() as { detail: string, errors: unknown }
    t.same(problem.errors, [{ path: '/body/clientSecret', message: 'must NOT have fewer than 32 characters' }])
    t.equal(problem.detail, 'Invalid request body: /body/clientSecret must NOT have fewer than 32 characters')
  }
  t.equal(forwarded(), 0, 'nothing forwarded')
  const accepted = await live.send('admin', 'PUT', `/api/clients/${REPORTS}/secret`, { clientSecret: 'a'.repeat(32) })
  t.equal(accepted.status, 200, '32 characters are enough')
  t.equal((await accepted.json() as { newClientSecret: string }).newClientSecret, 'a'.repeat(32))
})
