import t from 'tap'
import { HAS_LONG_INTEGERS, IS_OBJECT, IS_OTHER_VALUE, NOT_JSON, scanJson } from '../../src/upstream/json-scan.ts'
import { isStringArray, jsonScalarText, parseUpstreamJson } from '../../src/upstream/json.ts'

// The scanner's contract: a text is JSON exactly when JSON.parse accepts it; it says whether that
// value is an object, and whether some integer has 16 digits or more.
const VALID = [
  '{}', '[]', '{"a":1}', ' \t\r\n{ "a" : [ 1 , 2 ] , "b" : { } }\n ', '[[],[[]],{}]', '{"a":{"b":{"c":[{"d":null}]}}}',
  '"text"', '""', '0', '-0', '12', '-12', '1.5', '-0.25', '1e5', '1E5', '1e+5', '1e-5', '1.5E-10', 'true', 'false', 'null',
  '"\\" \\\\ \\/ \\b \\f \\n \\r \\t"', '"\\u00e9\\u20AC\\ud83d\\ude00"', '"é € 😀"', '{"é":"😀"}', '[true,false,null]',
  '{"a":"}","b":"]","c":","}', '["\\"]"]', '{"":""}', '[1,"a",{"b":[2]}]'
]
const INVALID = [
  '', ' ', '{', '}', '[', ']', '{"a"}', '{"a":}', '{"a" 1}', '{a:1}', "{'a':1}", '{"a":1,}', '[1,]', '[,1]', '{,}', '[1 2]',
  '{"a":1}{}', '{"a":1} x', '[]]', '{}}', '{"a":1]', '[1}', '01', '-', '+1', '1.', '.5', '1e', '1e+', '-a', '0x10', 'NaN', 'Infinity',
  'tru', 'nul', 'fals', 'True', 'nulls', '"abc', '"a\\"', '"\\x41"', '"\\u12G4"', '"\\u123"', '"a\nb"', '"a\tb"', '"\u0000"',
  '{"a":1', '[1,2', '{"a":"b', '{"a":[1,{"b":2}]', '"\\', '{"a":1 "b":2}', '[1,,2]', '// x\n{}', '{"a":undefined}',
  '[abcde]', '{"a":nope1}', '"\\uG234"', '"\\u1G34"', '"\\u12G4"', '"\\u123G"', '{"a"x1}', '{"a",1}', '{1":2}', '{"a":1,2":3}'
]

t.test('scanJson ...should accept exactly the texts JSON.parse accepts', async t => {
  for (const text of [...VALID, ...INVALID]) {
    let parsed: unknown
    let valid = true
    try { parsed = JSON.parse(text) } catch { valid = false }
    const scan = scanJson(Buffer.from(text))
    t.equal(scan !== NOT_JSON, valid, `${JSON.stringify(text)} is ${valid ? '' : 'not '}JSON`)
    if (!valid) continue
    const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    t.equal(scan & (IS_OBJECT | IS_OTHER_VALUE), isObject ? IS_OBJECT : IS_OTHER_VALUE, `${JSON.stringify(text)}: ${isObject ? 'an object' : 'another value'}`)
  }
})

t.test('scanJson ...should flag integers of 16 digits or more, and only them', async t => {
  const cases: Array<[string, boolean]> = [
    ['{"a":900719925474099}', false],
    ['{"a":9007199254740993}', true],
    ['{"a":-9007199254740993}', true],
    ['{"a":-900719925474099}', false],
    ['[9223372036854775807]', true],
    ['{"a":1234567890123456}', true],
    ['{"a":123456789012345.5}', false],
    ['{"a":1234567890123456.5}', false],
    ['{"a":1234567890123456e2}', false],
    ['{"a":1234567890123456E2}', false],
    ['{"a":"9007199254740993"}', false],
    ['{"a":1,"b":[2,{"c":9007199254740993}]}', true]
  ]
  for (const [text, long] of cases) t.equal((scanJson(Buffer.from(text)) & HAS_LONG_INTEGERS) !== 0, long, text)
})

t.test('parseUpstreamJson ...should keep integers above 2^53 digit for digit and parse the rest as JSON.parse does', async t => {
  const text = '{"big":9007199254740993,"negative":-9223372036854775808,"safe":9007199254740991,"real":-2.5,"list":[12345678901234567890]}'
  const value = parseUpstreamJson(text, true) as Record<string, unknown>
  t.equal(JSON.stringify(value), text)
  t.equal(value.safe, 9007199254740991, 'a safe integer stays a number')
  t.equal(value.real, -2.5, 'a number that is not an integer literal stays a number')
  t.equal(jsonScalarText(value.big), '9007199254740993')
  t.equal(jsonScalarText(7), '7')
  t.same(parseUpstreamJson('{"a":1}', false), { a: 1 })
})

t.test('isStringArray ...should accept a list of strings only (the empty list included)', async t => {
  for (const value of [[], ['openid'], ['a', '', 'b']]) t.ok(isStringArray(value), JSON.stringify(value))
  for (const value of ['openid', null, undefined, { 0: 'a', length: 1 }, [1], ['a', 1], ['a', null], [['a']]]) t.notOk(isStringArray(value), JSON.stringify(value) ?? 'undefined')
})
