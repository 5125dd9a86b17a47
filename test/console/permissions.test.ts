import t from 'tap'
import { permission } from '../../src/console/app/permissions.ts'
import type { Identity } from '../../src/console/app/caller.ts'

// What the console offers, as the server decides it (docs/teams.md): the role, then the client's team.
const editorOf = (...teams: string[]): Identity => ({ username: 'ed', roles: ['editor'], teams })
const portal = { clientId: 1, developer: 'acme' }
const reports = { clientId: 2, developer: 'globex' }
const teamless = { clientId: 3 }

t.test('permission ...should, in roles mode, decide by the role alone', async t => {
  const editor: Identity = { username: 'ed', roles: ['editor'] }
  t.same(permission(editor, 'client.lock', reports), { allowed: true })
  t.same(permission(editor, 'client.lock', teamless), { allowed: true })
  t.match(permission(editor, 'client.delete', portal), { allowed: false, reason: /Needs the admin role; you have editor/ })
  t.match(permission(editor, 'client.credentials'), { allowed: false })
  t.same(permission({ ...editor, roles: ['admin'] }, 'audit.verify'), { allowed: true })
})

t.test('permission ...should, in teams mode, refuse an action on another team\'s client or a teamless one, with the reason', async t => {
  t.same(permission(editorOf('acme'), 'client.lock', portal), { allowed: true })
  t.same(permission(editorOf('acme'), 'client.lock', reports), { allowed: false, reason: 'This client belongs to team globex; you manage team acme.' })
  t.same(permission(editorOf('acme', 'initech'), 'client.edit', teamless), { allowed: false, reason: 'This client belongs to no team; you manage teams acme, initech.' })
  t.match(permission(editorOf('globex'), 'client.delete', reports), { allowed: false, reason: /Needs the admin role/ }, 'the role first')
  t.same(permission(editorOf('*'), 'client.lock', teamless), { allowed: true }, 'a member of every team acts on any client')
})

t.test('permission ...should, in teams mode, offer create only to a member of some team, and verify only to an admin of every team', async t => {
  t.match(permission(editorOf(), 'client.create'), { allowed: false, reason: /no team/ })
  t.same(permission(editorOf('acme'), 'client.create'), { allowed: true })
  t.match(permission({ username: 'ad', roles: ['admin'], teams: ['globex'] }, 'audit.verify'), { allowed: false, reason: /admin of every team \(\*\); you manage team globex/ })
  t.same(permission({ username: 'ad', roles: ['admin'], teams: ['*'] }, 'audit.verify'), { allowed: true })
})
