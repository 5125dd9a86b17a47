import { claimValues, parseClaimPairs } from '../auth/role-map.ts'
import { Value } from 'typebox/value'
import { EVERY_TEAM, TeamSchema } from './membership.ts'

/** `claimValue=team` pairs; `*` as a claim value matches every user, `*` as a team is every team. */
export type TeamMap = ReadonlyArray<{ value: string, team: string }> | undefined

const isTeamName = (value: string): boolean => Value.Check(TeamSchema, value)

/** Parses `payments-devs=payments,platform-admins=*`; throws naming the first bad pair. Unset: no map. */
export function parseTeamMap (text: string | undefined): TeamMap {
  if (text === undefined) return undefined
  return parseClaimPairs(text, isTeamName, 'claimValue=team (team: 1 to 100 characters, or * for every team)')
    .map(({ value, target }) => ({ value, team: target }))
}

/**
 * The teams a set of claims earns. Without TEAM_MAP each claim value is a team name, except `*`:
 * every team is granted only by a mapping someone wrote on purpose.
 */
export function teamsFromClaims (claims: Record<string, unknown>, claimPath: string, map: TeamMap): string[] {
  const values = claimValues(claims, claimPath)
  if (map === undefined) return [...new Set(values.filter(value => value !== EVERY_TEAM && isTeamName(value)))].sort()
  const present = new Set(values)
  const teams = new Set<string>()
  for (const { value, team } of map) if (value === EVERY_TEAM || present.has(value)) teams.add(team)
  return [...teams].sort()
}
