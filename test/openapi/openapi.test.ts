import { readFile } from 'node:fs/promises'
import t from 'tap'
import { buildOpenApiDocument } from '../../src/http/openapi-document.ts'
import { problemCodes } from '../../src/http/errors.ts'
import { buildTestApp } from '../helpers/app.ts'

t.test('openapi/openapi.json ...should be what the routes produce (run `npm run openapi` after changing routes)', async t => {
  const committed = await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')
  t.equal(committed, await buildOpenApiDocument())
})

t.test('GET /openapi.json ...should describe every route with tags and a schema for every answer', async t => {
  const { app } = await buildTestApp(t)
  const response = await app.inject({ url: '/openapi.json' })
  t.equal(response.statusCode, 200)
  const document = response.json()
  const paths = document.paths as Record<string, Record<string, { tags?: string[], responses?: Record<string, { content?: unknown }> }>>
  const expected = [
    'post /auth/login', 'get /auth/session', 'post /auth/logout',
    // POST /auth/backchannel-logout exists only with OIDC_ISSUER (the committed document has it).
    'get /auth/login', 'get /auth/callback',
    'get /auth/sessions', 'delete /auth/sessions', 'delete /auth/login-failures', 'post /auth/tokens', 'get /auth/tokens', 'delete /auth/tokens/{id}',
    'get /api/clients', 'post /api/clients', 'get /api/clients/{clientId}', 'put /api/clients/{clientId}',
    'patch /api/clients/{clientId}', 'delete /api/clients/{clientId}', 'put /api/clients/{clientIdentifier}/lock',
    'post /api/clients/{clientIdentifier}/secret/refresh', 'put /api/clients/{clientIdentifier}/secret',
    'get /api/subjects/{subject}/clients', 'put /api/clients/{clientId}/authorizations/{subject}',
    'delete /api/clients/{clientId}/authorizations/{subject}', 'get /api/clients/{clientId}/granted-scopes/{subject}',
    'delete /api/clients/{clientId}/granted-scopes/{subject}', 'put /api/clients/{clientId}/registration',
    'get /api/clients/{clientId}/compliance', 'post /api/clients/{clientId}/policy-exceptions', 'get /api/clients/{clientId}/policy-exceptions',
    'delete /api/clients/{clientId}/policy-exceptions/{rule}', 'post /api/policy/check', 'get /api/policy',
    'get /api/audit', 'get /api/audit/verify',
    'get /api/clients/{clientId}/history', 'get /api/clients/{clientId}/history/{version}', 'get /api/clients/{clientId}/diff',
    'post /api/clients/{clientId}/history/{version}/restore', 'get /api/history/deleted', 'post /api/history/deleted/{deletedClientId}/restore',
    'get /api/change-requests', 'get /api/change-requests/rules', 'get /api/change-requests/{id}', 'post /api/change-requests/{id}/approve',
    'post /api/change-requests/{id}/reject', 'delete /api/change-requests/{id}', 'get /api/change-requests/{id}/secret',
    'get /healthz', 'get /readyz', 'get /metrics'
  ]
  const documented = Object.entries(paths).flatMap(([path, methods]) => Object.keys(methods).map(method => `${method} ${path}`))
  t.same(documented.sort(), [...expected].sort())
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      t.ok(operation.tags?.length, `${method} ${path} has tags`)
      for (const [status, answer] of Object.entries(operation.responses ?? {})) {
        if (status !== '204' && !status.startsWith('3')) t.ok(answer.content, `${method} ${path} ${status} has a schema`)
      }
    }
  }
  t.ok(document.components.schemas.Problem, 'the problem schema is shared')
  t.ok(document.components.schemas.Client, 'the client schema is shared')
})

t.test('GET /docs ...should serve Swagger UI', async t => {
  const { app } = await buildTestApp(t)
  const response = await app.inject({ url: '/docs/' })
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /text\/html/)
})

t.test('Problem.code ...should be documented: every code in docs/routes.md and in the OpenAPI problem schema', async t => {
  const routes = await readFile(new URL('../../docs/routes.md', import.meta.url), 'utf8')
  const table = routes.split('### Problem codes')[1] ?? ''
  const schema = JSON.parse(await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')).components.schemas.Problem.properties.code.description as string
  for (const code of problemCodes()) {
    t.match(table, `\`${code}\``, `docs/routes.md names ${code}`)
    t.match(schema, code, `the OpenAPI Problem schema names ${code}`)
  }
})
