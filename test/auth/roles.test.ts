import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { ROLES, type Role } from '../../src/auth/roles.ts'
import { ROUTES, apiRoutes } from './routes.ts'

const below = (role: Role): Role[] => ROLES.slice(0, ROLES.indexOf(role))
const fromRole = (role: Role): Role[] => ROLES.slice(ROLES.indexOf(role))

ROUTES.forEach((declared, index) => {
  const { method, route, role } = declared

  if (role !== 'viewer') {
    t.test(`${method} ${route} ...should answer 403 to ${below(role).join(' and ')} (below ${role}) and forward nothing upstream`, async t => {
      const { app } = await buildTestApp(t)
      const { url, payload } = apiRoutes(app.sandboxUpstream.seed)[index]!
      for (const lower of below(role)) {
        const user = await login(app, lower)
        const before = app.sandboxUpstream.requests.length
        const response = await app.inject({ method, url, headers: user.headers, ...(payload === undefined ? {} : { payload }) })
        t.equal(response.statusCode, 403, `${lower} is refused`)
        t.match(response.headers['content-type'], /^application\/problem\+json/)
        t.match(response.json(), { status: 403, code: 'BFF_FORBIDDEN', detail: new RegExp(`\\b${role}\\b`) })
        t.equal(app.sandboxUpstream.requests.length, before, 'the upstream saw nothing')
      }
    })
  }

  t.test(`${method} ${route} ...should let ${fromRole(role).join(', ')} through to the upstream`, async t => {
    for (const allowed of fromRole(role)) {
      // A fresh sandbox per role: a delete or a secret change must not depend on an earlier call.
      const { app } = await buildTestApp(t)
      const { url, payload } = apiRoutes(app.sandboxUpstream.seed)[index]!
      const user = await login(app, allowed)
      const before = app.sandboxUpstream.requests.length
      const response = await app.inject({ method, url, headers: user.headers, ...(payload === undefined ? {} : { payload }) })
      t.ok(response.statusCode >= 200 && response.statusCode < 300, `${allowed}: ${response.statusCode} ${response.body.slice(0, 200)}`)
      t.ok(app.sandboxUpstream.requests.length > before, `${allowed}: the call reached the upstream`)
    }
  })
})
