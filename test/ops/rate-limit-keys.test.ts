import t from 'tap'
import pino from 'pino'
import { buildTestApp, PASSWORDS } from '../helpers/app.ts'
import { listen } from '../helpers/http.ts'
import { addressKey } from '../../src/http/client-address.ts'
import { createBucketStore } from '../../src/ops/rate-limit-store.ts'

// Rate-limit keys (issue 11, finding 10): an IPv6 client is counted by its /64, and login counters
// are kept apart from every other counter, so other traffic cannot push them out.

t.test('addressKey ...should key IPv6 by its /64 whatever its spelling, and IPv4 (also IPv4-mapped) as it is', async t => {
  t.equal(addressKey('203.0.113.7'), '203.0.113.7')
  t.equal(addressKey('::ffff:203.0.113.7'), '203.0.113.7')
  t.equal(addressKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64')
  t.equal(addressKey('2001:0DB8:0001:0002:ffff::1'), '2001:db8:1:2::/64')
  t.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64')
  t.equal(addressKey('2001:db8:0:0:8000::'), '2001:db8:0:0::/64')
  t.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64')
  t.equal(addressKey('::1'), '0:0:0:0::/64')
  t.not(addressKey('2001:db8:0:1::1'), addressKey('2001:db8:0:2::1'), 'another /64 is another key')
})

t.test('POST /auth/login ...should count every address of one IPv6 /64 in one login-ip budget', async t => {
  const { app } = await buildTestApp(t, { TRUST_PROXY: '127.0.0.1', RATE_LIMIT_LOGIN_IP: '3/15m', MAX_EVENT_LOOP_DELAY_MS: '0' })
  const http = await listen(app)
  const from = (address: string) => http.request('/auth/login', { json: { username: 'viewer', password: PASSWORDS.viewer }, headers: { 'x-forwarded-for': address } })
  const statuses = []
  for (const address of ['2001:db8:aa:bb::1', '2001:db8:aa:bb::2', '2001:db8:aa:bb:abcd:1234:5678:9', '2001:0db8:00aa:00bb:ffff:ffff:ffff:ffff']) statuses.push((await from(address)).status)
  t.same(statuses, [200, 200, 200, 429], 'four addresses of one /64 share the budget')
  t.equal((await from('2001:db8:aa:bc::1')).status, 200, 'the next /64 has its own')
})

t.test('createBucketStore ...should keep login counters when 100,000 other keys pass through the shared counters', async t => {
  const Store = createBucketStore(pino({ level: 'silent' }))
  const incr = (bucket: string, key: string) => new Promise<number>((resolve, reject) => {
    new Store({ bucket }).incr(key, (error, result) => { if (error !== null) reject(error); else resolve(result!.current) }, 60_000, 1000)
  })
  t.equal(await incr('login-ip', 'ip:192.0.2.1'), 1)
  t.equal(await incr('login-ip', 'ip:192.0.2.1'), 2)
  for (let i = 0; i < 100_001; i++) await incr('read', `ip:10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`)
  t.equal(await incr('login-ip', 'ip:192.0.2.1'), 3, 'the guesser\'s count is still there')
  t.equal(await incr('read', 'ip:10.0.0.0'), 1, 'while the shared counters did evict their oldest')
})
