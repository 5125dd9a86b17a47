import t, { type Test } from 'tap'
import Fastify from 'fastify'
import { checkJsonShape, MAX_JSON_DEPTH, useJsonBodies } from '../../src/http/json-body.ts'

// The body checks on their own: checkJsonShape called directly, and useJsonBodies on a bare Fastify
// instance with one echoing route (no app, no upstream). test/security/json-encoding.test.ts and
// request-bodies.test.ts show the same refusals through the whole app.

/** The code and message checkJsonShape throws for `text`, or undefined when it accepts it. */
function refusal (text: string): { code: string, message: string } | undefined {
  try {
    checkJsonShape(text)
    return undefined
  } catch (error) {
    const { code, message } = error as { code: string, message: string }
    return { code, message }
  }
}
function acceptsEach (t: Test, texts: string[]): void {
  for (const text of texts) t.equal(refusal(text), undefined, text)
}
const duplicate = (name: string, where: string) => ({
  code: 'BFF_JSON_DUPLICATE_PROPERTY',
  message: `The JSON body gives the property ${name} twice (at ${where}); give each property once`
})
const tooDeep = { code: 'BFF_JSON_TOO_DEEP', message: `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels` }
const nested = (depth: number, open = '[', close = ']') => open.repeat(depth) + close.repeat(depth)

t.test('checkJsonShape ...should refuse a property given twice in one object, naming it and its level', async t => {
  t.same(refusal('{"a":1,"a":2}'), duplicate('"a"', 'the top level'))
  t.same(refusal('{"x":{"b":1,"b":2}}'), duplicate('"b"', 'nesting level 2'))
  t.same(refusal('[[{"c":1,"c":2}]]'), duplicate('"c"', 'nesting level 3'))
  t.same(refusal('{"a":{"b":1},"a":2}'), duplicate('"a"', 'the top level'), 'the outer object\'s names are kept across a nested one')
  t.same(refusal('{"\\u0061":1,"a":2}'), duplicate('"a"', 'the top level'), 'an escaped name is compared decoded')
  t.same(refusal('{"a\\"b":1,"a\\"b":2}'), duplicate('"a\\"b"', 'the top level'), 'named as JSON, escapes kept')
  t.same(refusal('{"a\tb":1,"a\tb":2}'), duplicate('"a\\tb"', 'the top level'), 'a raw tab (no escape): the name as written, quoted as JSON')
  for (const space of [' ', '\t', '\n', '\r', ' \r\n\t']) {
    t.same(refusal(`{"a"${space}:1,"a"${space}:2}`), duplicate('"a"', 'the top level'), `a name followed by ${JSON.stringify(space)} before its colon`)
  }
})

t.test('checkJsonShape ...should cut a long duplicate name to 64 characters in its message', async t => {
  const long = 'n'.repeat(64)
  t.same(refusal(`{"${long}":1,"${long}":2}`), duplicate(`"${long}"`, 'the top level'), '64 characters: whole')
  const longer = `${long}X`
  t.same(refusal(`{"${longer}":1,"${longer}":2}`), duplicate(`"${long}..."`, 'the top level'), '65 characters: cut')
})

t.test('checkJsonShape ...should accept the same name in different objects, values equal to names and strings holding JSON', async t => {
  acceptsEach(t, [
    '{"a":1,"b":2}',
    '{"a":"a"}',
    '{"a":["a","a"]}',
    '[{"a":1},{"a":1}]',
    '{"a":{"b":1},"b":2}',
    '{"a":{"a":1}}',
    '"a"',
    '["a","a"]',
    '{"a":"{\\"a\\":1,\\"a\\":2}"}',
    '{"a":"\\\\","a\\\\":1}',
    ''
  ])
})

t.test(`checkJsonShape ...should refuse nesting deeper than MAX_JSON_DEPTH (${MAX_JSON_DEPTH}), arrays and objects alike`, async t => {
  t.equal(MAX_JSON_DEPTH, 32)
  t.equal(refusal(nested(MAX_JSON_DEPTH)), undefined, `${MAX_JSON_DEPTH} arrays`)
  t.same(refusal(nested(MAX_JSON_DEPTH + 1)), tooDeep, `${MAX_JSON_DEPTH + 1} arrays`)
  const objects = (depth: number) => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1)
  t.equal(refusal(objects(MAX_JSON_DEPTH)), undefined, `${MAX_JSON_DEPTH} objects`)
  t.same(refusal(objects(MAX_JSON_DEPTH + 1)), tooDeep, `${MAX_JSON_DEPTH + 1} objects`)
  t.same(refusal(`[${nested(MAX_JSON_DEPTH, '{"a":[', ']}')}]`), tooDeep, 'mixed')
  t.equal(refusal(`[${Array(100).fill(nested(MAX_JSON_DEPTH - 1)).join(',')}]`), undefined, 'siblings do not add up: each closes')
  t.equal(refusal(`[${Array(100).fill(nested(MAX_JSON_DEPTH - 1, '{"a":', '}').replaceAll('{"a":}', '{}')).join(',')}]`), undefined, 'sibling objects do not add up')
  t.equal(refusal(`{"a":"${'['.repeat(100)}"}`), undefined, 'brackets inside a string are text')
  t.equal(refusal(`{"a":"\\"${'['.repeat(100)}"}`), undefined, 'an escaped quote does not end the string')
})

t.test('checkJsonShape ...should leave malformed JSON to the parser rather than fail on it', async t => {
  acceptsEach(t, [
    '["a":1,"a":2]',
    '{"a":1,"a"',
    '{"a":1,"a',
    '{"\\x":1,"\\y":2}',
    '"\\',
    ']]]}}}',
    '{"a":1}}]"a":2'
  ])
})

async function echoApp (t: Test) {
  const app = Fastify()
  useJsonBodies(app)
  app.post('/', async request => ({ body: request.body }))
  app.put('/', async request => ({ body: request.body }))
  t.teardown(() => app.close())
  await app.ready()
  return app
}

const send = (app: Awaited<ReturnType<typeof echoApp>>, payload: string | Buffer, contentType = 'application/json') =>
  app.inject({ method: 'POST', url: '/', headers: { 'content-type': contentType }, payload })

t.test('useJsonBodies ...should parse application/json and application/merge-patch+json into the same values', async t => {
  const app = await echoApp(t)
  const value = { s: 'text', n: 1.5, b: true, z: null, list: [1, 'two', { three: 3 }], emoji: '\u{1F600}', nested: { deep: [[]] } }
  for (const type of ['application/json', 'application/merge-patch+json', 'application/json; charset=utf-8']) {
    const answer = await send(app, JSON.stringify(value), type)
    t.equal(answer.statusCode, 200, type)
    t.same(answer.json(), { body: value }, `${type}: every value as sent`)
  }
  const escaped = await send(app, '{"pair":"\\ud83d\\ude00"}')
  t.same(escaped.json(), { body: { pair: '\u{1F600}' } }, 'a surrogate pair given as escapes is one character')
  t.same((await send(app, '42')).json(), { body: 42 }, 'a bare number')
  t.same((await send(app, '"\\u00e9"')).json(), { body: 'é' }, 'a bare string')
})

t.test('useJsonBodies ...should answer 415 to any body that is not JSON', async t => {
  const app = await echoApp(t)
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
    const answer = await send(app, '{"a":1}', type)
    t.equal(answer.statusCode, 415, type)
    t.equal(answer.json().code, 'FST_ERR_CTP_INVALID_MEDIA_TYPE', type)
  }
})

async function refused (t: Test, app: Awaited<ReturnType<typeof echoApp>>, payload: string | Buffer, code: string, message: string | RegExp, what: string) {
  const answer = await send(app, payload)
  t.equal(answer.statusCode, 400, what)
  t.equal(answer.json().code, code, what)
  t.match(answer.json().message, message, what)
}

t.test('useJsonBodies ...should refuse bytes that are not strict UTF-8 or start with a byte order mark', async t => {
  const app = await echoApp(t)
  const encoding = (problem: string) => `The JSON body ${problem}; send UTF-8 without a byte order mark, every string of whole characters`
  await refused(t, app, Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), 'BFF_JSON_ENCODING', encoding('is not valid UTF-8'), 'invalid bytes in a string')
  await refused(t, app, Buffer.from('{"a":"\xe9"}', 'latin1'), 'BFF_JSON_ENCODING', encoding('is not valid UTF-8'), 'Latin-1')
  await refused(t, app, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]), 'BFF_JSON_ENCODING', encoding('starts with a byte order mark'), 'a UTF-8 byte order mark')
  t.equal((await send(app, Buffer.from('{"a":"\uFEFF"}'))).statusCode, 200, 'U+FEFF inside a string is a character like any other')
})

t.test('useJsonBodies ...should refuse an unpaired surrogate wherever it is: value, name, array, nested', async t => {
  const app = await echoApp(t)
  const message = 'The JSON body holds an unpaired surrogate (an escape in \\uD800-\\uDFFF without its pair); send UTF-8 without a byte order mark, every string of whole characters'
  for (const body of [
    '"\\ud800"',
    '{"a":"\\ud800"}',
    '{"a":"x\\udfffy"}',
    '{"\\ud83d":1}',
    '{"a":["ok","\\ude00"]}',
    '[1,null,{"b":{"c":["\\ud800"]}}]',
    '{"a":null,"b":"\\ud800"}'
  ]) {
    const answer = await send(app, body)
    t.equal(answer.statusCode, 400, body)
    t.same({ code: answer.json().code, message: answer.json().message }, { code: 'BFF_JSON_ENCODING', message }, body)
  }
})

t.test('useJsonBodies ...should refuse duplicates, depth, prototype keys and malformed JSON with 400 before the route runs', async t => {
  const app = await echoApp(t)
  await refused(t, app, '{"a":1,"a":2}', 'BFF_JSON_DUPLICATE_PROPERTY', /property "a" twice/, 'a duplicate')
  await refused(t, app, nested(MAX_JSON_DEPTH + 1), 'BFF_JSON_TOO_DEEP', /deeper than 32/, 'too deep')
  await refused(t, app, '{"__proto__":{"admin":true}}', 'FST_ERR_CTP_INVALID_JSON_BODY', /not valid JSON/, '__proto__')
  await refused(t, app, '{"constructor":{"prototype":{"admin":true}}}', 'FST_ERR_CTP_INVALID_JSON_BODY', /not valid JSON/, 'constructor.prototype')
  await refused(t, app, '["a":1,"a":2]', 'FST_ERR_CTP_INVALID_JSON_BODY', /JSON/, 'malformed: the parser names it')
})
