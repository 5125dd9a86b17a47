import { claimValues, parseClaimPairs } from '../auth/role-map.ts'
import { EVERY_TEAM, isTeamName, TEAM_NAME_RULE } from './membership.ts'

/** `claimValue=team` pairs; `*` as a claim value matches every user, `*` as a team is every team. */
export type TeamMap = ReadonlyArray<{ value: string, team: string }> | undefined

/** Parses `payments-devs=payments,platform-admins=*`; throws naming the first bad pair. Unset: no map. */
export function parseTeamMap (text: string | undefined): TeamMap {
  if (text === undefined) return undefined
  return parseClaimPairs(text, team => team === EVERY_TEAM || isTeamName(team), `claimValue=team (team: ${TEAM_NAME_RULE}; or * for every team)`)
    .map(({ value, target }) => ({ value, team: target }))
}

/**
 * The teams a set of claims earns. Without TEAM_MAP each claim value is a team name, except `*`:
 * every team is granted only by a mapping someone wrote on purpose. A value that is no team name is
 * ignored, not refused: providers put every group of a person in the claim (`Domain Users`...), and
 * one such group must not lock them out of the teams they do have.
 */
export function teamsFromClaims (claims: Record<string, unknown>, claimPath: string, map: TeamMap): string[] {
  const values = claimValues(claims, claimPath)
  if (map === undefined) return [...new Set(values.filter(isTeamName))].sort()
  const present = new Set(values)
  const teams = new Set<string>()
  for (const { value, team } of map) if (value === EVERY_TEAM || present.has(value)) teams.add(team)
  return [...teams].sort()
}
