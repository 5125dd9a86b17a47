import { test } from 'tap'
import { login } from '../helpers/app.ts'
import { liveApp, upstreamCalls } from './support.ts'

const PORTAL = '26478243745571'
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8')
const ENCODING_RULE = /; send UTF-8 without a byte order mark, every string of whole characters$/

test('POST /api/clients and PATCH /api/clients/:clientId ...should answer 400 to invalid UTF-8, a byte order mark or a lone surrogate, and forward nothing', async t => {
  const live = await liveApp(t)
  const { headers } = await login(live.app, 'editor')
  const forwarded = upstreamCalls(live.app)
  const cases: Array<[what: string, bytes: Buffer, detail: RegExp]> = [
    ['a byte that is not UTF-8', Buffer.concat([utf8('{"clientName":"caf'), Buffer.from([0xe9]), utf8('"}')]), /^The JSON body is not valid UTF-8/],
    ['an overlong encoding of "/"', Buffer.concat([utf8('{"clientName":"a'), Buffer.from([0xc0, 0xaf]), utf8('"}')]), /^The JSON body is not valid UTF-8/],
    ['a surrogate encoded in UTF-8', Buffer.concat([utf8('{"clientName":"a'), Buffer.from([0xed, 0xa0, 0x80]), utf8('"}')]), /^The JSON body is not valid UTF-8/],
    ['a cut sequence at the end', Buffer.concat([utf8('{"clientName":"a"}'), Buffer.from([0xe2, 0x82])]), /^The JSON body is not valid UTF-8/],
    ['a byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('{"clientName":"a"}')]), /^The JSON body starts with a byte order mark/],
    ['a lone high surrogate escape', utf8('{"clientName":"a\\ud800b"}'), /^The JSON body holds an unpaired surrogate/],
    ['a lone low surrogate escape', utf8('{"clientName":"\\udc00"}'), /^The JSON body holds an unpaired surrogate/],
    ['a lone surrogate in a property name', utf8('{"attributes":[{"key":"k","value":"v"}],"\\ud83d":1}'), /^The JSON body holds an unpaired surrogate/],
    ['a lone surrogate one level down', utf8('{"redirectUris":["https://a.example/\\ud83d"]}'), /^The JSON body holds an unpaired surrogate/]
  ]
  for (const [method, path, type] of [['POST', '/api/clients', 'application/json'], ['PATCH', `/api/clients/${PORTAL}`, 'application/merge-patch+json']]) {
    for (const [what, bytes, detail] of cases) {
      const response = await fetch(`${live.url}${path}`, { method, headers: { ...headers, 'content-type': type }, body: bytes })
      t.equal(response.status, 400, `${method}: ${what}`)
      const problem = await response.json() as { code: string, detail: string }
      t.equal(problem.code, 'BFF_JSON_ENCODING')
      t.match(problem.detail, detail)
      t.match(problem.detail, ENCODING_RULE, 'and what is accepted')
    }
  }
  t.equal(forwarded(), 0, 'nothing forwarded')

  const paired = await fetch(`${live.url}/api/clients`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: utf8('{"clientName":"caf\u00e9 \\ud83d\\ude00 \u{1F600}"}') })
  t.equal(paired.status, 201, 'UTF-8 and paired surrogate escapes are accepted')
  t.equal((await paired.json() as { clientName: string }).clientName, 'caf\u00e9 \u{1F600} \u{1F600}', 'and forwarded as sent')
})
