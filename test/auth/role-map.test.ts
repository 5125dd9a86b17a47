import t from 'tap'
import { parseRoleMap, rolesFromClaims } from '../../src/auth/role-map.ts'

t.test('parseRoleMap should map claim values to roles and name a bad pair', async t => {
  const map = parseRoleMap('ops-admins=admin, ops=editor,*=viewer')
  t.same(rolesFromClaims({ roles: ['ops-admins'] }, 'roles', map), ['viewer', 'admin'])
  t.same(rolesFromClaims({ roles: 'ops other' }, 'roles', map), ['viewer', 'editor'])
  t.same(rolesFromClaims({}, 'roles', map), ['viewer'], '* matches a user without the claim')
  t.throws(() => parseRoleMap('ops=root'), /'ops=root' is not claimValue=role/)
  t.throws(() => parseRoleMap('=admin'), /'=admin'/)
})

t.test('rolesFromClaims should read dotted claims and refuse unmapped users without *', async t => {
  const map = parseRoleMap('team-a=editor')
  t.same(rolesFromClaims({ realm_access: { roles: ['team-a'] } }, 'realm_access.roles', map), ['editor'])
  t.same(rolesFromClaims({ realm_access: { roles: ['team-b'] } }, 'realm_access.roles', map), [])
  t.same(rolesFromClaims({ roles: [42, 'admin'] }, 'roles', parseRoleMap(undefined)), ['admin'], 'default: role names map to themselves')
  t.same(rolesFromClaims({ roles: { admin: true } }, 'roles', parseRoleMap(undefined)), [], 'an object claim grants nothing')
})
