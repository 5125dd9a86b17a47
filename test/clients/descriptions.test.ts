import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { authleteDocument } from '../helpers/authlete-documents.ts'
import { DEFAULT_MARKER } from '../../src/clients/client-descriptions.ts'

type Schema = { description?: string, properties?: Record<string, Schema>, items?: Schema, anyOf?: Schema[] }

/** Every property of a schema, nested objects' too, as "extension.accessTokenDuration". */
function propertiesOf (schema: Schema, prefix = ''): Array<[string, Schema]> {
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => {
    const object = property.properties === undefined ? property.anyOf?.find(option => option.properties !== undefined) : property
    return [[`${prefix}${name}`, property] as [string, Schema], ...(object === undefined ? [] : propertiesOf(object, `${prefix}${name}.`))]
  })
}

const words = (text: string) => text.toLowerCase().replace(/[^a-z0-9_ ]+/g, ' ').split(/\s+/).filter(Boolean)
const RUN = 7

/** Every run of RUN words of a text, to find a sentence copied from another. */
function runsOf (text: string): Set<string> {
  const all = words(text)
  return new Set(all.slice(0, Math.max(0, all.length - RUN + 1)).map((_, at) => all.slice(at, at + RUN).join(' ')))
}

function descriptionsIn (value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) descriptionsIn(item, found)
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'description' && typeof inner === 'string') found.push(inner)
      else descriptionsIn(inner, found)
    }
  }
  return found
}

t.test('GET /openapi.json and /console-client-schema.json ...should give every client property a one-line description of its own, none copied from Authlete\'s', async t => {
  const { app } = await buildTestApp(t)
  const document = (await app.inject({ url: '/openapi.json' })).json()
  const viewer = await login(app, 'viewer')
  const consoleSchema = (await app.inject({ url: '/console-client-schema.json', headers: viewer.headers })).json() as Schema
  const schemas = document.components.schemas as Record<string, Schema>
  const answered = schemas.Client ?? schemas['def-0']!
  const checked: Array<[string, Schema]> = [...propertiesOf(answered), ...propertiesOf(consoleSchema)]
  t.ok(checked.length > 100, `${checked.length} properties checked`)
  const authlete = new Set([...descriptionsIn(authleteDocument('v3').components), ...descriptionsIn(authleteDocument('v2').components)].flatMap(text => [...runsOf(text)]))
  for (const [name, property] of checked) {
    const description = property.description ?? ''
    t.match(description, /^[A-Z].{15,}\.$/, `${name}: a sentence`)
    t.notMatch(description, /\n/, `${name}: one line`)
    t.ok(description.length <= 300, `${name}: short (${description.length} characters)`)
    const copied = [...runsOf(description)].filter(run => authlete.has(run))
    t.same(copied, [], `${name}: no run of ${RUN} words copied from Authlete's documents`)
    const marked = description.split(DEFAULT_MARKER)
    if (marked.length > 1) t.match(marked[1], /^\S.*\.$/, `${name}: Authlete's default named last`)
  }
  const durations = checked.filter(([name]) => /Duration$|MaxAge$/.test(name))
  t.ok(durations.length >= 4 && durations.every(([, property]) => property.description!.includes('in seconds')), 'durations give their unit')
})
