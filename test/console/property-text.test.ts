import t from 'tap'
import { ClientInput } from '../../src/clients/client-schema.ts'
import { DEFAULT_MARKER } from '../../src/clients/client-descriptions.ts'
import { defaultOf, formatDuration, unsetText } from '../../src/console/app/property-text.ts'
import type { JsonSchema } from '../../src/console/app/schema.ts'

const properties = JSON.parse(JSON.stringify(ClientInput)).properties as Record<string, JsonSchema>
const extension = properties.extension!.properties!

t.test('GET /clients/:clientId ...should read a duration with its unit, whole units only, at most two', async t => {
  t.equal(formatDuration(0), '0 s')
  t.equal(formatDuration(59), '59 s')
  t.equal(formatDuration(3600), '3600 s (1 hour)')
  t.equal(formatDuration(5400), '5400 s (1 hour 30 minutes)')
  t.equal(formatDuration(86_400 * 30), '2592000 s (30 days)')
  t.equal(formatDuration(90_061), '90061 s (1 day 1 hour)')
})

t.test('GET /clients/:clientId ...should show every unset property with the default its description names, as a value of it reads', async t => {
  t.equal(unsetText(properties.pkceRequired), 'not set (default No)')
  t.equal(unsetText(extension.accessTokenDuration), 'not set (default 0 s)')
  t.equal(unsetText(properties.clientType), 'not set (default CONFIDENTIAL)')
  t.equal(unsetText(properties.requestSignAlg), 'not set', 'no default named')
  const named = Object.entries({ ...properties, ...extension }).filter(([, schema]) => schema.description!.includes(DEFAULT_MARKER))
  t.ok(named.length >= 25, `${named.length} properties name Authlete's default`)
  for (const [name, schema] of named) {
    t.ok(defaultOf(schema) !== undefined && !defaultOf(schema)!.endsWith('.'), `${name}: the default is read (${defaultOf(schema)})`)
  }
})
