import t from 'tap'
import { Value } from 'typebox/value'
import { capTeams, EVERY_TEAM, inEveryTeam, inTeam, isTeamName, TEAM_NAME_RULE, TeamSchema, TeamsSchema, teamOf } from '../../src/teams/membership.ts'
import { parseTeamMap, teamsFromClaims } from '../../src/teams/team-map.ts'
import { tokenTeams } from '../../src/teams/token-teams.ts'
import type { Identity } from '../../src/auth/identity.ts'

// Unit tests of the pure team rules (membership, TEAM_MAP, API token teams): no app, no upstream.

const longest = `a${'b'.repeat(99)}`

t.test('isTeamName ...should take a letter or digit, then up to 99 letters, digits, ., _ or -, and nothing else', async t => {
  for (const name of ['a', 'z', 'A', 'Z', '0', '9', 'acme', 'A9._-z', 'z0aZA9', '0z', '9A', 'payments-devs', 'team.eu_1', longest]) t.ok(isTeamName(name), name)
  const refused = ['', '*', '.a', '_a', '-a', ' a', 'a ', 'a b', 'a*', 'a/b', 'a\n', '\na', 'é', 'aé', 'a<b>', `${longest}c`, 'a,b', 'a=b']
  for (const name of refused) t.notOk(isTeamName(name), JSON.stringify(name))
  t.equal(longest.length, 100)
  t.equal(EVERY_TEAM, '*')
  t.equal(TEAM_NAME_RULE, 'a letter or digit, then up to 99 letters, digits, ., _ or -')
})

t.test('TeamSchema ...should accept a team name or * alone, and TeamsSchema at most 100 distinct teams', async t => {
  for (const team of ['*', 'a', 'acme', 'A9._-z', longest]) t.ok(Value.Check(TeamSchema, team), team)
  for (const team of ['', '**', '*a', 'a*', '.a', '-a', 'a b', 'é', `${longest}c`, ' *', '* ']) t.notOk(Value.Check(TeamSchema, team), JSON.stringify(team))
  t.equal((TeamSchema as { description?: string }).description, 'a letter or digit, then up to 99 letters, digits, ., _ or -; * for every team')
  const teams = Array.from({ length: 100 }, (_, index) => `team-${index}`)
  t.ok(Value.Check(TeamsSchema, teams), '100 teams')
  t.ok(Value.Check(TeamsSchema, []), 'none')
  t.notOk(Value.Check(TeamsSchema, [...teams, 'team-100']), '101 teams')
  t.notOk(Value.Check(TeamsSchema, ['acme', 'acme']), 'a team twice')
  t.notOk(Value.Check(TeamsSchema, ['acme', '.bad']), 'a bad name among them')
})

t.test('inTeam ...should let `*` act on every client, a member on its team\'s, nobody else', async t => {
  t.ok(inTeam(['acme'], 'acme'))
  t.ok(inTeam(['globex', 'acme'], 'acme'))
  t.notOk(inTeam(['acme'], 'globex'))
  t.notOk(inTeam([], 'acme'))
  t.ok(inTeam(['*'], 'acme'), '* is every team')
  t.ok(inTeam(['acme', '*'], 'globex'))
  t.ok(inTeam(['*'], null), '* sees a client of no team')
  t.ok(inTeam(['*'], undefined))
  t.notOk(inTeam(['acme'], null), 'a team member does not')
  t.notOk(inTeam(['acme'], undefined))
  t.notOk(inTeam([], null))
  t.notOk(inTeam(['acme'], '*'), 'a client cannot name * to be seen by everyone')
})

t.test('inEveryTeam ...should hold only for teams that include *', async t => {
  t.ok(inEveryTeam(['*']))
  t.ok(inEveryTeam(['acme', '*']))
  t.notOk(inEveryTeam(['acme']))
  t.notOk(inEveryTeam([]))
})

t.test('capTeams ...should keep only the held teams that the grant still covers', async t => {
  t.strictSame(capTeams(['acme', 'globex'], ['acme', 'initech']), ['acme'], 'globex taken away')
  t.strictSame(capTeams(['acme', 'globex'], ['globex', 'acme']), ['acme', 'globex'], 'the held order')
  t.strictSame(capTeams(['acme'], []), [], 'no team left')
  t.strictSame(capTeams([], ['acme']), [], 'nothing held, nothing kept')
  t.strictSame(capTeams(['acme', 'globex'], ['*']), ['acme', 'globex'], 'a * grant covers every held team')
  t.strictSame(capTeams(['*'], ['acme', 'globex']), ['acme', 'globex'], '* held: the grant, no more')
  t.strictSame(capTeams(['*'], ['*']), ['*'])
  t.strictSame(capTeams(['*'], []), [])
  t.strictSame(capTeams(['acme', '*'], ['globex']), ['globex'], '* among others: the grant')
  const granted = ['acme']
  const capped = capTeams(['*'], granted)
  capped.push('globex')
  t.strictSame(granted, ['acme'], 'a copy of the grant')
})

t.test('teamOf ...should be a client\'s developer, or null when it has none', async t => {
  t.equal(teamOf({ developer: 'acme' }), 'acme')
  t.equal(teamOf({ developer: '' }), null, 'empty is no team')
  t.equal(teamOf({}), null)
  t.equal(teamOf({ developer: null }), null)
  t.equal(teamOf({ developer: 7 }), null)
  t.equal(teamOf({ developer: ['acme'] }), null)
})

const RULE = 'claimValue=team (team: a letter or digit, then up to 99 letters, digits, ., _ or -; or * for every team)'

t.test('parseTeamMap ...should read claimValue=team pairs, * as a team, and nothing when unset', async t => {
  t.equal(parseTeamMap(undefined), undefined)
  t.strictSame(parseTeamMap('payments-devs=payments, platform-admins=*,*=shared'), [
    { value: 'payments-devs', team: 'payments' },
    { value: 'platform-admins', team: '*' },
    { value: '*', team: 'shared' }
  ])
  t.strictSame(parseTeamMap(''), [], 'set but empty: a map that grants nothing')
})

t.test('parseTeamMap ...should refuse a pair whose team is no team name, naming the pair and the rule', async t => {
  t.throws(() => parseTeamMap('ok=acme,devs=.hidden'), { message: `'devs=.hidden' is not ${RULE}` })
  t.throws(() => parseTeamMap('devs=a b'), { message: `'devs=a b' is not ${RULE}` })
  t.throws(() => parseTeamMap('devs=**'), { message: `'devs=**' is not ${RULE}` })
  t.throws(() => parseTeamMap('devs='), { message: `'devs=' is not ${RULE}` })
})

t.test('teamsFromClaims ...without TEAM_MAP should take every claim value that is a team name, once, sorted, never *', async t => {
  const claims = { groups: ['zeta', 'acme', 'Domain Users', 'acme', '*', '.x', 'beta'] }
  t.strictSame(teamsFromClaims(claims, 'groups', undefined), ['acme', 'beta', 'zeta'])
  t.strictSame(teamsFromClaims({ groups: 'globex acme' }, 'groups', undefined), ['acme', 'globex'], 'a space-separated claim')
  t.strictSame(teamsFromClaims({ realm: { groups: ['acme'] } }, 'realm.groups', undefined), ['acme'], 'a dotted path')
  t.strictSame(teamsFromClaims({}, 'groups', undefined), [], 'no claim')
})

t.test('teamsFromClaims ...with TEAM_MAP should grant the mapped teams of the values present, and * values to everyone', async t => {
  const map = parseTeamMap('b-devs=zeta,a-devs=acme,ops=*,nobody=ghost')
  t.strictSame(teamsFromClaims({ groups: ['b-devs', 'a-devs', 'ops', 'acme'] }, 'groups', map), ['*', 'acme', 'zeta'])
  t.strictSame(teamsFromClaims({ groups: ['a-devs', 'a-devs'] }, 'groups', map), ['acme'])
  t.strictSame(teamsFromClaims({ groups: ['acme', 'globex'] }, 'groups', map), [], 'an unmapped team name grants nothing with a map')
  t.strictSame(teamsFromClaims({ groups: ['x'] }, 'groups', parseTeamMap('*=shared,x=acme')), ['acme', 'shared'], 'a * value matches every user')
  t.strictSame(teamsFromClaims({}, 'groups', parseTeamMap('*=shared')), ['shared'], 'even one without the claim')
  t.strictSame(teamsFromClaims({ groups: ['acme'] }, 'groups', []), [], 'an empty map grants nothing')
})

const creator = (teams: string[] | undefined): Identity => ({ source: 'local', username: 'alice', roles: ['admin'], via: 'session', credential: null, ...(teams === undefined ? {} : { teams }) })

t.test('tokenTeams ...should give a new token the teams asked for among its creator\'s, sorted, or all of the creator\'s', async t => {
  t.strictSame(tokenTeams(creator(['globex', 'acme']), undefined), ['globex', 'acme'], 'none asked: the creator\'s')
  t.strictSame(tokenTeams(creator(undefined), undefined), [], 'a creator without teams (roles mode)')
  t.strictSame(tokenTeams(creator(['globex', 'acme', 'initech']), ['initech', 'acme']), ['acme', 'initech'])
  t.strictSame(tokenTeams(creator(['acme']), []), [], 'no team asked for')
  t.strictSame(tokenTeams(creator(['*']), ['globex', '*', 'acme']), ['*', 'acme', 'globex'], 'a * creator grants any team, and *')
  const own = ['acme']
  const teams = tokenTeams(creator(own), undefined)
  teams.push('globex')
  t.strictSame(own, ['acme'], 'a copy of the creator\'s teams')
})

t.test('tokenTeams ...should refuse a team outside its creator\'s with 403 BFF_TEAM_CEILING naming the first', async t => {
  const ceiling = (team: string) => ({ code: 'BFF_TEAM_CEILING', statusCode: 403, message: `A token cannot have teams outside its creator's: ${team} is not among yours` })
  t.throws(() => tokenTeams(creator(['acme', 'globex']), ['acme', 'initech', 'umbrella']), ceiling('initech'))
  t.throws(() => tokenTeams(creator(['acme']), ['*']), ceiling('*'), '* only for a * creator')
  t.throws(() => tokenTeams(creator(undefined), ['acme']), ceiling('acme'))
})
