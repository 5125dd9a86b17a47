import t from 'tap'
import { liveApp } from '../security/support.ts'
import { startGateway } from './gateway-jwt-support.ts'

const HEADER = 'x-forwarded-jwt'

t.test('POST /api/clients/:clientIdentifier/secret/refresh ...should refuse a gateway identity without X-CSRF: 1, or cross-site, with 403 and forward nothing', async t => {
  const gateway = await startGateway(t)
  const live = await liveApp(t, gateway.env)
  const admin = { [HEADER]: await gateway.sign({ sub: 'alice', roles: ['bff-admins'] }) }
  const upstreamBefore = live.app.sandboxUpstream.requests.length
  const refresh = async (headers: Record<string, string>) => await fetch(`${live.url}/api/clients/26478243745571/secret/refresh`, { method: 'POST', headers: { ...admin, ...headers } })

  const bare = await refresh({})
  t.equal(bare.status, 403, 'the gateway header alone, no body: what a page on a sibling subdomain can make a browser send')
  t.match(bare.headers.get('content-type'), /^application\/problem\+json/)
  t.match(await bare.json(), { code: 'BFF_GATEWAY_CSRF_REJECTED', detail: /X-CSRF: 1/ })
  t.equal((await refresh({ 'x-csrf': 'yes' })).status, 403, 'only the value 1')
  const crossSite = await refresh({ 'x-csrf': '1', 'sec-fetch-site': 'cross-site' })
  t.equal(crossSite.status, 403)
  t.match(await crossSite.json(), { detail: /cross-site/ })
  t.equal(live.app.sandboxUpstream.requests.length, upstreamBefore, 'nothing forwarded')

  t.equal((await refresh({ 'x-csrf': '1' })).status, 200, 'with the header: a script on an allowed origin, curl')
  t.equal((await refresh({ 'x-csrf': '1', 'sec-fetch-site': 'same-origin' })).status, 200, 'same-origin browser')
  t.equal((await refresh({ 'x-csrf': '1', 'sec-fetch-site': 'same-site' })).status, 200, 'same-site is left to X-CSRF and CORS')
  t.equal((await fetch(`${live.url}/api/clients`, { headers: { ...admin, 'sec-fetch-site': 'cross-site' } })).status, 200, 'reads need neither')
})
