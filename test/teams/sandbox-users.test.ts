import t from 'tap'
import { verifyPassword } from '../../src/auth/passwords.ts'
import { sandboxTeamUsers } from '../../src/teams/sandbox-users.ts'

t.test('sandboxTeamUsers ...should make the admin of every team and two team users, each with a fresh password it announces', async t => {
  const admin = { username: 'admin', roles: ['admin' as const], passwordHash: 'the admin hash' }
  const announced: string[] = []
  const users = await sandboxTeamUsers(admin, 'admin-password', message => { announced.push(message) })
  t.equal(announced.length, 1, 'one announcement')
  const text = announced[0]!
  const match = /^\nSANDBOX MODE, ACCESS_MODEL=teams \(passwords generated for this run only\):\n {2}sign in as "admin" \(admin of every team\) with the password admin-password\n {2}sign in as "alice" \(editor of acme\) with the password ([A-Za-z0-9_-]{24})\n {2}sign in as "bob" \(viewer of globex, initech\) with the password ([A-Za-z0-9_-]{24})\n\n$/.exec(text)
  t.ok(match, text)
  const [, alicePassword, bobPassword] = match!
  t.not(alicePassword, bobPassword, 'each user its own password')

  t.same(users.map(({ passwordHash: _hash, ...user }) => user), [
    { username: 'admin', roles: ['admin'], teams: ['*'] },
    { username: 'alice', roles: ['editor'], teams: ['acme'] },
    { username: 'bob', roles: ['viewer'], teams: ['globex', 'initech'] }
  ])
  t.equal(users[0]!.passwordHash, 'the admin hash', 'the admin keeps the hash it came with')
  t.ok(await verifyPassword(users[1]!.passwordHash, alicePassword!), 'alice signs in with the announced password')
  t.ok(await verifyPassword(users[2]!.passwordHash, bobPassword!), 'bob too')
  t.notOk(await verifyPassword(users[1]!.passwordHash, bobPassword!), 'not with bob\'s')
})
