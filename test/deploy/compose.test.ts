import { existsSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { isMap, isScalar, parseDocument, type Pair, type YAMLMap } from 'yaml'
import { ConfigSchema, loadConfig, FILE_VARIABLES } from '../../src/config.ts'

// No container engine runs here, so compose.yaml is checked for what can go wrong on paper: it must
// parse, the replicas must name only variables src/config.ts reads, each documented by a comment,
// their secrets must exist, and their configuration must pass the start-up checks.

const REPO = new URL('../../', import.meta.url)
const source = await readFile(new URL('compose.yaml', REPO), 'utf8')
const document = parseDocument(source, { merge: true })

interface Service {
  environment?: Record<string, string>
  secrets?: string[]
  volumes?: string[]
  networks?: Record<string, { ipv4_address?: string }> | string[]
}
const compose = document.toJS() as { services: Record<string, Service>, secrets: Record<string, { file: string }> }
const replicas = Object.entries(compose.services).filter(([, service]) => service.environment?.NODE_ENV !== undefined && service.environment.AUTHLETE_BASE_URL !== undefined)
const known = new Set<string>([...Object.keys(ConfigSchema.properties), ...FILE_VARIABLES.map(name => `${name}_FILE`)])

t.test('compose.yaml ...should parse and have two BFF replicas, Redis, PostgreSQL and an nginx gateway', async t => {
  t.same(document.errors, [], 'no YAML errors')
  t.same(replicas.map(([name]) => name), ['bff-1', 'bff-2'])
  t.match(compose.services, { redis: { image: /^redis:/ }, postgres: { image: /^postgres:/ }, gateway: { image: /^nginx:/ } })
})

t.test('compose.yaml ...should give the replicas only variables that src/config.ts knows, each documented by a comment', async t => {
  for (const [name, service] of replicas) {
    const unknown = Object.keys(service.environment!).filter(variable => !known.has(variable))
    t.same(unknown, [], `${name}: every variable is a ConfigSchema key or the _FILE of a secret`)
  }
  // The environment is written once (the x-bff anchor): its comments are on that map's keys.
  const environment = document.getIn(['x-bff', 'environment'], true) as YAMLMap
  t.ok(isMap(environment), 'the replicas share one environment map (x-bff)')
  const items = environment.items as Array<Pair<unknown, unknown>>
  const name = (index: number) => String(isScalar(items[index]?.key) ? items[index].key.value : '')
  // The yaml package gives the comment above a map's first key to the map itself.
  const commented = (index: number) => (isScalar(items[index]?.key) && (items[index].key.commentBefore ?? '') !== '') ||
    (index === 0 && (environment.commentBefore ?? '') !== '')
  for (const [index] of items.entries()) {
    // One comment may cover a run of variables of one family (AUTHLETE_*, RATE_LIMIT_*) right below it.
    let head = index
    while (!commented(head) && head > 0 && name(head - 1).split('_')[0] === name(index).split('_')[0]) head--
    t.ok(commented(head), `${name(index)} is documented`)
  }
})

t.test('compose.yaml ...should read every _FILE from a secret the replica is given, and trust only the gateway\'s address', async t => {
  const gatewayNetworks = compose.services.gateway!.networks as Record<string, { ipv4_address?: string }>
  const gatewayAddress = Object.values(gatewayNetworks)[0]?.ipv4_address
  t.ok(gatewayAddress, 'the gateway has a fixed address')
  for (const [name, service] of replicas) {
    t.equal(service.environment!.TRUST_PROXY, gatewayAddress, `${name}: TRUST_PROXY is the gateway's address, nothing wider`)
    for (const [variable, value] of Object.entries(service.environment!)) {
      if (!variable.endsWith('_FILE') && variable !== 'BFF_USERS_FILE') continue
      const secret = value.match(/^\/run\/secrets\/(.+)$/)?.[1]
      t.ok(secret !== undefined && service.secrets?.includes(secret), `${name}: ${variable} is one of its secrets`)
      t.ok(secret !== undefined && compose.secrets[secret] !== undefined, `${name}: secret ${secret} is declared`)
    }
    t.ok(service.volumes?.some(volume => volume.endsWith(':/app/data')), `${name}: /app/data is a volume`)
  }
  const mounted = compose.services.gateway!.volumes!.map(volume => volume.split(':')[0]!)
  for (const path of mounted.filter(path => path.startsWith('./') && path.endsWith('.conf'))) t.ok(existsSync(new URL(path, REPO)), `${path} exists`)
})

t.test('compose.yaml ...should give each replica a configuration that passes the production start-up checks', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-compose-'))
  const samples: Record<string, string> = {
    authlete_token: 'sample-authlete-service-access-token',
    session_secret: 'sample-session-secret-of-at-least-32-characters',
    audit_store: 'postgres://bff:sample-password@postgres:5432/audit'
  }
  for (const [name, service] of replicas) {
    // The secrets as the container would see them, each file standing in for /run/secrets/<name>.
    const env: Record<string, string> = {}
    for (const [variable, value] of Object.entries(service.environment!)) {
      const secret = value.match(/^\/run\/secrets\/(.+)$/)?.[1]
      if (secret === undefined || variable === 'BFF_USERS_FILE') {
        env[variable] = value
        continue
      }
      const file = join(dir, secret)
      await writeFile(file, `${samples[secret] ?? 'sample'}\n`)
      env[variable] = file
    }
    const config = loadConfig(env)
    t.match(config, { NODE_ENV: 'production', SESSION_STORE: 'redis', API_TOKEN_STORE: 'redis', AUDIT_STORE: /^postgres:\/\// }, `${name}: loads`)
  }
})
