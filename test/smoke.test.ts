import t from 'tap'
import { buildTestApp, login } from './helpers/app.ts'

t.test('GET /api/clients ...should list the seeded clients for a viewer', async t => {
  const { app } = await buildTestApp(t)
  const viewer = await login(app, 'viewer')
  const response = await app.inject({ url: '/api/clients', headers: viewer.headers })
  t.equal(response.statusCode, 200)
  t.ok(response.json().clients.length > 0)
  t.notOk(response.body.includes('clientSecret'))
})
