import t from 'tap'
import type { AuthleteClient } from '../../src/upstream/authlete-api.ts'
import { dropEchoedProperties, echoedProperties } from '../../src/clients/round-trip.ts'

const CURRENT = {
  number: 7,
  serviceNumber: 3,
  clientId: 1234,
  clientSecret: 'current-secret',
  dynamicallyRegistered: false,
  createdAt: 1700000000000,
  modifiedAt: 1700000001000,
  clientName: 'Portal',
  tokenAuthMethod: 'CLIENT_SECRET_BASIC'
} as unknown as AuthleteClient

const asGetAnswered = (): Record<string, unknown> => ({ ...CURRENT as Record<string, unknown> })
const refusal = (work: () => void): Record<string, unknown> => {
  try {
    work()
  } catch (error) {
    return error as Record<string, unknown>
  }
  throw new Error('not refused')
}

t.test('echoedProperties ...should name the server-owned properties a body carries, in the schema\'s order, and no other', async t => {
  t.strictSame(echoedProperties({ clientName: 'x', modifiedAt: 1, clientId: 2 }), ['clientId', 'modifiedAt'])
  t.strictSame(echoedProperties({ clientName: 'x', tokenAuthMethod: 'NONE' }), [])
  t.strictSame(echoedProperties({}), [])
  t.strictSame(echoedProperties({ derivedSectorIdentifier: null }), ['derivedSectorIdentifier'], 'a null one is carried too')
  t.strictSame(echoedProperties(asGetAnswered()), ['number', 'serviceNumber', 'clientId', 'clientSecret', 'dynamicallyRegistered', 'createdAt', 'modifiedAt'])
})

t.test('dropEchoedProperties ...should drop the server-owned properties of an admin\'s body that equal the current ones, secret included, and keep the writable part', async t => {
  const body = { ...asGetAnswered(), clientName: 'Portal v2' }
  dropEchoedProperties(body, CURRENT, ['admin'])
  t.strictSame(body, { clientName: 'Portal v2', tokenAuthMethod: 'CLIENT_SECRET_BASIC' })
})

t.test('dropEchoedProperties ...should drop an editor\'s echoed properties, the secret not among them', async t => {
  const body = { number: 7, clientId: 1234, createdAt: 1700000000000, clientName: 'Portal v2' }
  dropEchoedProperties(body, CURRENT, ['editor'])
  t.strictSame(body, { clientName: 'Portal v2' })
  const untouched = { clientName: 'only writable' }
  dropEchoedProperties(untouched, CURRENT, ['viewer'])
  t.strictSame(untouched, { clientName: 'only writable' })
})

t.test('dropEchoedProperties ...should answer 400 BFF_READ_ONLY_CHANGED naming each property that differs, in order, and leave the body as it was', async t => {
  const body = { ...asGetAnswered(), number: 8, modifiedAt: 1, clientName: 'Portal v2' }
  const error = refusal(() => { dropEchoedProperties(body, CURRENT, ['admin']) })
  t.equal(error.statusCode, 400)
  t.equal(error.code, 'BFF_READ_ONLY_CHANGED')
  t.equal(error.message, 'Read-only properties differ from the client\'s current values: number, modifiedAt')
  t.strictSame(error.validation, [
    { keyword: 'readOnly', instancePath: '/number', params: {}, message: 'number is read-only: send its current value or leave it out' },
    { keyword: 'readOnly', instancePath: '/modifiedAt', params: {}, message: 'modifiedAt is read-only: send its current value or leave it out' }
  ])
  t.equal(error.validationContext, 'body')
  t.strictSame(body, { ...asGetAnswered(), number: 8, modifiedAt: 1, clientName: 'Portal v2' }, 'nothing dropped')
})

t.test('dropEchoedProperties ...should compare values by their JSON (type included), and an absent current value as differing from any given one', async t => {
  t.equal(refusal(() => { dropEchoedProperties({ clientId: '1234' }, CURRENT, ['admin']) }).message, 'Read-only properties differ from the client\'s current values: clientId', 'a string is not the number')
  t.equal(refusal(() => { dropEchoedProperties({ derivedSectorIdentifier: 'x.example' }, CURRENT, ['admin']) }).message, 'Read-only properties differ from the client\'s current values: derivedSectorIdentifier')
  const body: Record<string, unknown> = { dynamicallyRegistered: false }
  dropEchoedProperties(body, CURRENT, ['admin'])
  t.strictSame(body, {}, 'false equals false')
})

t.test('dropEchoedProperties ...should refuse a clientSecret from anyone but an admin even when it is right, so that no guess can be confirmed', async t => {
  for (const roles of [['editor'], ['viewer'], []] as const) {
    const body = { clientSecret: 'current-secret', clientName: 'x' }
    const error = refusal(() => { dropEchoedProperties(body, CURRENT, roles) })
    t.equal(error.message, 'Read-only properties differ from the client\'s current values: clientSecret', roles.join() || 'no role')
    t.strictSame(error.validation, [{
      keyword: 'readOnly',
      instancePath: '/clientSecret',
      params: {},
      message: 'clientSecret is read-only: leave it out (change it with PUT /api/clients/{clientId}/secret or POST .../secret/refresh)'
    }])
    t.strictSame(body, { clientSecret: 'current-secret', clientName: 'x' })
  }
  const wrong = refusal(() => { dropEchoedProperties({ clientSecret: 'a guess' }, CURRENT, ['admin']) })
  t.equal(wrong.message, 'Read-only properties differ from the client\'s current values: clientSecret', 'an admin\'s wrong secret')
})
