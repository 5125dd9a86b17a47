import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'

t.test('GET /openapi.json ...should show the Idempotency-Key header and its 409 and 422 on every audited route, and on no other', async t => {
  const { app } = await buildTestApp(t)
  const document = (await app.inject({ url: '/openapi.json' })).json()
  type Operation = { parameters?: Array<{ in: string, name: string, required?: boolean }>, responses: Record<string, unknown> }
  const keyed: string[] = []
  for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, Operation>>)) {
    for (const [method, operation] of Object.entries(methods)) {
      const header = operation.parameters?.find(parameter => parameter.in === 'header' && parameter.name === 'idempotency-key')
      if (header === undefined) continue
      keyed.push(`${method} ${path}`)
      t.equal(header.required, false, `${method} ${path}: optional`)
      t.ok(operation.responses['409'] !== undefined && operation.responses['422'] !== undefined, `${method} ${path}: 409 and 422 documented`)
    }
  }
  t.same(keyed.sort(), [
    'delete /api/clients/{clientId}', 'delete /api/clients/{clientId}/authorizations/{subject}', 'delete /api/clients/{clientId}/granted-scopes/{subject}',
    'delete /auth/login-failures', 'delete /auth/sessions', 'delete /auth/tokens/{id}',
    'patch /api/clients/{clientId}',
    'post /api/clients', 'post /api/clients/{clientIdentifier}/secret/refresh', 'post /auth/tokens',
    'put /api/clients/{clientId}', 'put /api/clients/{clientId}/authorizations/{subject}', 'put /api/clients/{clientId}/registration',
    'put /api/clients/{clientIdentifier}/lock', 'put /api/clients/{clientIdentifier}/secret',
    'post /api/clients/{clientId}/policy-exceptions', 'delete /api/clients/{clientId}/policy-exceptions/{rule}',
    'post /api/clients/{clientId}/history/{version}/restore', 'post /api/history/deleted/{deletedClientId}/restore'
  ].sort(), 'every mutation under /api and every audited /auth route; not login or logout')
})
