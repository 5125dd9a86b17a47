import t from 'tap'
import { createRedactor } from '../../src/upstream/redact.ts'

// The redactor on its own. test/security/upstream-messages.test.ts and log-redaction.test.ts show
// Authlete's quoting messages through the app.

const R = '[redacted]'
const basicOf = (key: string, secret: string) => Buffer.from(`${key}:${secret}`).toString('base64')

t.test('createRedactor ...bytes should replace a v3 access token wherever it appears, and give back untouched bytes as they were', async t => {
  const redact = createRedactor({ accessToken: 'tok-ABCD' })
  const answer = Buffer.from('{"resultMessage":"The token tok-ABCD is invalid","echo":"tok-ABCD tok-ABCD"}')
  t.equal(redact.bytes(answer).toString(), `{"resultMessage":"The token ${R} is invalid","echo":"${R} ${R}"}`)
  const clean = Buffer.from('{"clientId":1234}')
  t.equal(redact.bytes(clean), clean, 'the same buffer when no secret is in it')
  t.equal(redact.bytes(Buffer.from('{"n":"é tok-ABCD ü"}')).toString(), `{"n":"é ${R} ü"}`, 'UTF-8 kept around it')
})

t.test('createRedactor ...bytes should replace a v2 secret and Basic value but keep an all-digit API key (client IDs look the same)', async t => {
  const redact = createRedactor({ apiKey: '12345678', apiSecret: 'secret-xyz' })
  const basic = basicOf('12345678', 'secret-xyz')
  const answer = Buffer.from(`{"clientId":12345678,"m":"secret-xyz","h":"Basic ${basic}"}`)
  t.equal(redact.bytes(answer).toString(), `{"clientId":12345678,"m":"${R}","h":"Basic ${R}"}`)
  const lettered = createRedactor({ apiKey: 'key-abcd', apiSecret: 'secret-xyz' })
  t.equal(lettered.bytes(Buffer.from('{"m":"key-abcd"}')).toString(), `{"m":"${R}"}`, 'an API key with letters is replaced anywhere')
  for (const apiKey of ['key-1234', '1234-key', '12 34']) {
    t.equal(createRedactor({ apiKey }).bytes(Buffer.from(`{"m":"${apiKey}"}`)).toString(), `{"m":"${R}"}`, `${apiKey}: digits and more are replaced anywhere`)
  }
})

t.test('createRedactor ...message should replace every credential, the all-digit API key and Basic value included', async t => {
  const redact = createRedactor({ apiKey: '12345678', apiSecret: 'secret-xyz' })
  t.equal(redact.message('The API key 12345678 with secret secret-xyz is invalid; 12345678 again'), `The API key ${R} with secret ${R} is invalid; ${R} again`)
  t.equal(redact.message(`Authorization: Basic ${basicOf('12345678', 'secret-xyz')}`), `Authorization: Basic ${R}`)
  t.equal(createRedactor({ apiKey: '12345678' }).message(`b ${basicOf('12345678', '')}`), `b ${R}`, 'no secret: the Basic value of the key and an empty secret')
  t.equal(createRedactor({ accessToken: 'tok-ABCD' }).message('bad tok-ABCD'), `bad ${R}`)
  const noKeyBasic = basicOf('undefined', '')
  t.equal(createRedactor({ accessToken: 'tok-ABCD' }).message(noKeyBasic), noKeyBasic, 'no API key: no Basic value')
  t.equal(redact.message('nothing secret'), 'nothing secret')
})

t.test('createRedactor ...should leave credentials under 4 characters alone (they would blank ordinary text), and redact from 4', async t => {
  const short = createRedactor({ accessToken: 'abc', apiKey: '12', apiSecret: 'x' })
  t.equal(short.message('abc 12 x'), 'abc 12 x')
  t.equal(short.bytes(Buffer.from('"abc"')).toString(), '"abc"')
  t.equal(createRedactor({ accessToken: 'abcd' }).message('abcd'), R, '4 characters')
  t.equal(createRedactor({ apiSecret: 'wxyz' }).bytes(Buffer.from('"wxyz"')).toString(), `"${R}"`, 'a secret without a key')
  t.equal(createRedactor({}).message('anything'), 'anything', 'no credentials at all')
})
