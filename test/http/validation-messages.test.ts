import t from 'tap'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from '../helpers/app.ts'

// The messages a refused body gets (src/http/validation-messages.ts), from the proxy's own validator:
// a route whose schema has each kind of rule the client routes use, nullable or not.
const LETTERS = 'abcdefghij'.split('')
const Body = Type.Object({
  name: Type.String({ minLength: 2 }),
  nickname: Type.Union([Type.String(), Type.Null()]),
  size: Type.Union([Type.String(), Type.Integer()]),
  // The null branch is the eleventh (index 10).
  letter: Type.Union([...LETTERS.map(letter => Type.Literal(letter)), Type.Null()]),
  colour: Type.Optional(Type.Unsafe<string>({ enum: ['red', 'green'] })),
  shade: Type.Optional(Type.Union([Type.Unsafe<string>({ enum: ['dark', 'light'] }), Type.Null()])),
  since: Type.Optional(Type.String({ format: 'date-time' })),
  home: Type.Optional(Type.String({ format: 'web-uri' }))
}, { additionalProperties: false })

function validatedRoute (app: FastifyInstance): void {
  app.post('/test/validated', { schema: { body: Body } }, async () => ({ ok: true }))
}

async function refused (app: FastifyInstance, body: unknown): Promise<Array<{ path: string, message: string }>> {
  const answer = await app.inject({ method: 'POST', url: '/test/validated', payload: body as object })
  if (answer.statusCode !== 400) throw new Error(`expected 400, got ${answer.statusCode}: ${answer.body}`)
  return answer.json().errors
}

const VALID = { name: 'ok', nickname: null, size: 3, letter: 'a' }

t.test('POST (any body) ...should name each refused property once, with what it accepts', async t => {
  const { app } = await buildTestApp(t, {}, { extend: validatedRoute })
  t.equal((await app.inject({ method: 'POST', url: '/test/validated', payload: VALID })).statusCode, 200, 'the valid body passes')
  t.same(await refused(app, { ...VALID, nickname: 7 }), [{ path: '/body/nickname', message: 'must be string, or null' }], 'a nullable type: one message for the union')
  t.same(await refused(app, { ...VALID, size: true }), [{ path: '/body/size', message: 'must be string' }, { path: '/body/size', message: 'must be integer' }], 'a union without null: each branch, no "or null"')
  t.same(await refused(app, { ...VALID, letter: 'z' }), [{ path: '/body/letter', message: 'must be equal to constant' }], 'a null branch found at any index; the same message once')
  t.same(await refused(app, { ...VALID, colour: 'blue' }), [{ path: '/body/colour', message: 'must be one of "red", "green"' }])
  t.same(await refused(app, { ...VALID, shade: 'grey' }), [{ path: '/body/shade', message: 'must be one of "dark", "light", or null' }])
  t.same(await refused(app, { ...VALID, since: 'yesterday' }), [{ path: '/body/since', message: 'must match format "date-time"' }], 'a format: Ajv\'s message')
  t.match(await refused(app, { ...VALID, home: 'ftp://example.com/' }), [{ path: '/body/home', message: /^must be an absolute https URI/ }], 'a URI format: what a client URI must be')
  t.same(await refused(app, { ...VALID, name: 'x' }), [{ path: '/body/name', message: 'must NOT have fewer than 2 characters' }], 'any other rule: Ajv\'s message')
  const { name: _name, ...nameless } = VALID
  t.same(await refused(app, nameless), [{ path: '/body/name', message: 'is required' }])
  t.same(await refused(app, { ...VALID, extra: 1 }), [{ path: '/body/extra', message: 'unknown or read-only property \'extra\'' }])
})

t.test('POST (any body) ...should cut a path or message quoting a long property name to 200 and 400 characters', async t => {
  const { app } = await buildTestApp(t, {}, { extend: validatedRoute })
  const fits = 'p'.repeat(200 - '/body/'.length)
  t.same(await refused(app, { ...VALID, [fits]: 1 }), [{ path: `/body/${fits}`, message: `unknown or read-only property '${fits}'` }], '200 characters: kept whole')
  const long = 'q'.repeat(500)
  const [problem] = await refused(app, { ...VALID, [long]: 1 })
  t.equal(problem?.path, `/body/${long}`.slice(0, 197) + '...')
  t.equal(problem?.message, `unknown or read-only property '${long}`.slice(0, 397) + '...')
})
