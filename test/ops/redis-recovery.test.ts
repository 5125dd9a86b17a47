import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { startRedis } from '../helpers/redis.ts'

// ioredis' default back-off grows to 2 s between reconnection attempts: a Redis back after a few
// seconds was used again only 4.0-4.4 s later, every mutation refused meanwhile.

t.test('PUT /api/clients/:clientIdentifier/lock ...should work again within a second of Redis coming back after an outage of several seconds', async t => {
  const redis = await startRedis(t)
  const { app } = await buildTestApp(t, { REDIS_URL: redis.url })
  const editor = await login(app, 'editor')
  const lock = async () => (await app.inject({ method: 'PUT', url: '/api/clients/portal/lock', payload: { locked: true }, headers: editor.headers })).statusCode
  t.equal(await lock(), 200)

  await redis.stop()
  t.equal(await lock(), 503, 'refused while Redis is down')
  // Long enough for the default back-off to reach its ceiling.
  await new Promise(resolve => setTimeout(resolve, 6000))
  await redis.start()
  const back = Date.now()
  let status = 0
  while (Date.now() - back < 10_000 && (status = await lock()) !== 200) await new Promise(resolve => setTimeout(resolve, 20))
  const recovery = Date.now() - back
  t.comment(`mutations worked again ${recovery} ms after Redis was back`)
  t.equal(status, 200)
  t.ok(recovery < 1000, `within a second (${recovery} ms)`)
})
