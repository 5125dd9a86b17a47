import t from 'tap'
import { checkedOwner, checkRoleCeilings, effectiveTokens, mayRevoke, newTokenRecord, ownerFor, page, view } from '../../src/auth/tokens/token-routes.ts'
import type { ApiTokenRecord } from '../../src/auth/tokens/token-store.ts'
import type { Identity } from '../../src/auth/identity.ts'
import type { Role } from '../../src/auth/roles.ts'

// What the /auth/tokens routes decide, called directly. Over HTTP: tokens.test.ts, token-owners.test.ts.

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
const NOW = Date.UTC(2026, 11, 5, 12, 0, 0)

const identity = (username: string, roles: Role[], source: Identity['source'] = 'local'): Identity => ({ source, username, roles, via: 'session', credential: null })
const id = (n: number): string => n.toString(16).padStart(24, '0')

function record (overrides: Partial<ApiTokenRecord> = {}): ApiTokenRecord {
  return { id: id(1), source: 'local', username: 'alice', name: 'ci', roles: ['viewer'], createdBy: 'alice', createdBySource: 'local', createdAt: NOW, expiresAt: NOW + DAY_MS, lastUsedAt: null, hash: 'h', ...overrides }
}

t.test('view ...should show a token\'s fields with ISO dates and both sources, never its hash', async t => {
  t.strictSame(view(record({ teams: ['red'], lastUsedAt: NOW + 1000, createdBy: 'root', createdBySource: 'oidc' })), { id: id(1), name: 'ci', source: 'local', username: 'alice', roles: ['viewer'], teams: ['red'], createdBy: 'root', createdBySource: 'oidc', createdAt: '2026-12-05T12:00:00.000Z', expiresAt: '2026-12-06T12:00:00.000Z', lastUsedAt: '2026-12-05T12:00:01.000Z' })
  const old: ApiTokenRecord = record()
  delete old.source
  delete old.createdBySource
  t.strictSame(view(old), { id: id(1), name: 'ci', source: 'local', username: 'alice', roles: ['viewer'], createdBy: 'alice', createdBySource: 'local', createdAt: '2026-12-05T12:00:00.000Z', expiresAt: '2026-12-06T12:00:00.000Z', lastUsedAt: null }, 'a token from before sources: local; without teams: no teams; never used: null')
  t.strictSame(view(record({ source: 'gateway', teams: [] })).source, 'gateway')
  t.strictSame(view(record({ teams: [] })).teams, [], 'no team at all is shown as such')
})

t.test('ownerFor ...should answer the caller for itself, and another user for an admin only', async t => {
  const editor = identity('alice', ['editor'])
  t.strictSame(ownerFor(editor, undefined), { source: 'local', username: 'alice' })
  t.strictSame(ownerFor(editor, { source: 'local', username: 'alice' }), { source: 'local', username: 'alice' })
  t.throws(() => ownerFor(editor, { source: 'local', username: 'bob' }), { code: 'BFF_FORBIDDEN', statusCode: 403, message: 'This operation needs the admin role' })
  t.throws(() => ownerFor(editor, { source: 'oidc', username: 'alice' }), { code: 'BFF_FORBIDDEN' }, 'the same name from another source is another user')
  t.strictSame(ownerFor(identity('root', ['admin'], 'gateway'), { source: 'oidc', username: 'bob' }), { source: 'oidc', username: 'bob' })
  t.strictSame(ownerFor(identity('root', ['admin'], 'gateway'), undefined), { source: 'gateway', username: 'root' })
})

t.test('checkedOwner ...should answer the caller without roles, or an existing local user an admin names with that user\'s roles', async t => {
  const asked: string[] = []
  const rolesOf = (username: string): Role[] | undefined => { asked.push(username); return username === 'svc' ? ['viewer'] : undefined }
  t.strictSame(checkedOwner(rolesOf, identity('alice', ['editor']), undefined), { owner: { source: 'local', username: 'alice' }, ownerRoles: undefined })
  t.strictSame(checkedOwner(rolesOf, identity('alice', ['editor']), 'alice'), { owner: { source: 'local', username: 'alice' }, ownerRoles: undefined })
  t.same(asked, [], 'the users file is not asked about the caller')
  t.strictSame(checkedOwner(rolesOf, identity('root', ['admin']), 'svc'), { owner: { source: 'local', username: 'svc' }, ownerRoles: ['viewer'] })
  t.throws(() => checkedOwner(rolesOf, identity('root', ['admin']), 'ghost'), { code: 'BFF_UNKNOWN_USER', statusCode: 400, message: 'There is no local user ghost: a token for someone else can only be made for an existing local user' })
  t.throws(() => checkedOwner(rolesOf, identity('alice', ['editor']), 'svc'), { code: 'BFF_FORBIDDEN' })
  t.strictSame(checkedOwner(rolesOf, identity('svc', ['admin'], 'oidc'), 'svc'), { owner: { source: 'local', username: 'svc' }, ownerRoles: ['viewer'] }, 'an OIDC admin naming a local user of the same name makes that user\'s token')
})

t.test('checkRoleCeilings ...should refuse a role above the creator\'s, then one above another owner\'s, naming the first', async t => {
  const alice = { source: 'local' as const, username: 'alice' }
  t.doesNotThrow(() => checkRoleCeilings(['viewer', 'editor'], ['editor'], alice, undefined))
  t.doesNotThrow(() => checkRoleCeilings(['admin'], ['admin'], alice, undefined))
  t.throws(() => checkRoleCeilings(['viewer', 'admin', 'editor'], ['viewer'], alice, undefined), { code: 'BFF_ROLE_CEILING', statusCode: 403, message: 'A token cannot have roles above its creator\'s: admin is not among yours' })
  t.doesNotThrow(() => checkRoleCeilings(['viewer', 'editor'], ['admin'], { source: 'local', username: 'svc' }, ['editor']))
  t.throws(() => checkRoleCeilings(['viewer', 'admin', 'editor'], ['admin'], { source: 'local', username: 'svc' }, ['viewer']), { code: 'BFF_ROLE_CEILING', statusCode: 403, message: 'A token cannot have roles above its owner\'s: admin is not among the roles of svc' })
  t.throws(() => checkRoleCeilings(['admin'], ['editor'], { source: 'local', username: 'svc' }, ['viewer']), { message: /above its creator's/ }, 'the creator\'s ceiling is named first')
})

t.test('newTokenRecord ...should make the record of a new token, expiring expiresInDays from now, an external owner\'s at most maxExternalMs', async t => {
  const token = { id: id(7), hash: 'digest' }
  const body = { name: 'deploy', roles: ['editor'] as Role[], expiresInDays: 30 }
  t.strictSame(newTokenRecord(token, { source: 'local', username: 'svc' }, { source: 'oidc', username: 'root' }, body, undefined, NOW, 24 * HOUR_MS), { id: id(7), source: 'local', username: 'svc', name: 'deploy', roles: ['editor'], createdBy: 'root', createdBySource: 'oidc', createdAt: NOW, expiresAt: NOW + 30 * DAY_MS, lastUsedAt: null, hash: 'digest' })
  t.strictSame(newTokenRecord(token, { source: 'oidc', username: 'root' }, { source: 'oidc', username: 'root' }, body, ['red'], NOW, 24 * HOUR_MS), { id: id(7), source: 'oidc', username: 'root', name: 'deploy', roles: ['editor'], teams: ['red'], createdBy: 'root', createdBySource: 'oidc', createdAt: NOW, expiresAt: NOW + 24 * HOUR_MS, lastUsedAt: null, hash: 'digest' })
  t.equal(newTokenRecord(token, { source: 'gateway', username: 'g' }, { source: 'gateway', username: 'g' }, { ...body, expiresInDays: 1 }, [], NOW, 48 * HOUR_MS).expiresAt, NOW + DAY_MS, 'a day asked, within the cap')
})

t.test('effectiveTokens ...should list each token with the expiry it works to, and drop those past it', async t => {
  const local = record({ id: id(1), expiresAt: NOW + 1 })
  const endsNow = record({ id: id(2), expiresAt: NOW })
  const external = record({ id: id(3), source: 'oidc', createdAt: NOW - 10 * HOUR_MS, expiresAt: NOW + 10 * DAY_MS })
  const externalEnded = record({ id: id(4), source: 'gateway', createdAt: NOW - 12 * HOUR_MS, expiresAt: NOW + 10 * DAY_MS })
  t.strictSame(effectiveTokens([local, endsNow, external, externalEnded], 12 * HOUR_MS, NOW), [local, { ...external, expiresAt: NOW + 2 * HOUR_MS }])
  t.strictSame(effectiveTokens([], 12 * HOUR_MS, NOW), [])
})

t.test('mayRevoke ...should let owners revoke their own tokens and admins anyone\'s', async t => {
  t.ok(mayRevoke(identity('alice', ['viewer']), record()))
  t.notOk(mayRevoke(identity('bob', ['editor']), record()))
  t.notOk(mayRevoke(identity('alice', ['editor'], 'oidc'), record()), 'the same name from another source')
  t.ok(mayRevoke(identity('root', ['admin'], 'gateway'), record()))
  const old = record()
  delete old.source
  t.ok(mayRevoke(identity('alice', ['viewer']), old), 'a token from before sources is a local user\'s')
})

t.test('page ...should answer tokens newest first, ties by id, limit at a time, with the cursor of the next page', async t => {
  const records = [record({ id: id(1), createdAt: NOW }), record({ id: id(2), createdAt: NOW + 2 }), record({ id: id(3), createdAt: NOW + 1 }), record({ id: id(4), createdAt: NOW + 1 }), record({ id: id(5), createdAt: NOW - 1 })]
  const ids = (answer: ReturnType<typeof page>) => answer.tokens.map(token => token.id)
  const first = page([...records], 2, undefined)
  t.same(ids(first), [id(2), id(4)])
  t.equal(first.nextCursor, `${NOW + 1}_${id(4)}`)
  t.strictSame(first.tokens[0], view(records[1]!))
  const second = page([...records], 2, first.nextCursor!)
  t.same(ids(second), [id(3), id(1)])
  t.equal(second.nextCursor, `${NOW}_${id(1)}`)
  const last = page([...records], 2, second.nextCursor!)
  t.same(ids(last), [id(5)])
  t.equal(last.nextCursor, null)
  t.same(page([...records], 5, undefined), { tokens: [records[1], records[3], records[2], records[0], records[4]].map(token => view(token!)), nextCursor: null }, 'exactly limit left: no next page')
  t.equal(page([...records], 4, undefined).nextCursor, `${NOW}_${id(1)}`, 'one more than limit: a next page')
  t.same(page([...records], 10, `${NOW - 1}_${id(5)}`), { tokens: [], nextCursor: null }, 'after the last token: an empty page')
  t.same(ids(page([...records], 3, `${NOW + 1}_${id(3)}`)), [id(1), id(5)], 'after a token in the middle of a tie')
  t.same(ids(page([...records], 1, `${NOW + 1}_${'f'.repeat(24)}`)), [id(4)], 'a cursor naming a token gone since: from where it was')
  t.same(ids(page([...records], 1, `${NOW + 5}_${id(9)}`)), [id(2)], 'a cursor before every token: from the first')
  t.same(page([], 50, undefined), { tokens: [], nextCursor: null })
  const tie = [1, 2, 3, 4].map(n => record({ id: id(n), createdAt: NOW }))
  t.same(ids(page(tie, 4, undefined)), [id(4), id(3), id(2), id(1)], 'a tie in any order: the greater id first')
})

t.test('page ...should refuse a cursor of another shape (400 BFF_BAD_CURSOR)', async t => {
  for (const cursor of ['', 'x', `${NOW}-${id(1)}`, `${NOW}_${id(1)}0`, `${NOW}_${id(1).toUpperCase().replace('0', 'A')}`, `_${id(1)}`, `12345678901234567_${id(1)}`, ` ${NOW}_${id(1)}`, `${NOW}_${id(1)} `]) {
    t.throws(() => page([record()], 10, cursor), { code: 'BFF_BAD_CURSOR', statusCode: 400 }, JSON.stringify(cursor))
  }
})
