import { Type } from 'typebox'

/** As a team: every team. Only a users file, TEAM_MAP or a `*` creator's token can grant it. */
export const EVERY_TEAM = '*'

// A team is a client's `developer` value, and a name people read in lists, audit records and tokens:
// plain letters, digits, `.`, `_` and `-`, so no markup, look-alike letters or trailing spaces.
export const TEAM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/
export const TEAM_NAME_RULE = 'a letter or digit, then up to 99 letters, digits, ., _ or -'
export const TeamSchema = Type.String({ pattern: `^(?:\\*|${TEAM_NAME.source.slice(1, -1)})$`, description: `${TEAM_NAME_RULE}; * for every team` })
export const TeamsSchema = Type.Array(TeamSchema, { maxItems: 100, uniqueItems: true })

/** Whether `name` may be a team (not `*`: every team is granted, never named by a client or a claim). */
export const isTeamName = (name: string): boolean => TEAM_NAME.test(name)

/** Whether a member of `teams` may act on what belongs to `team` (a client's developer; null: no team). */
export function inTeam (teams: readonly string[], team: string | null | undefined): boolean {
  return teams.includes(EVERY_TEAM) || (typeof team === 'string' && teams.includes(team))
}

export function inEveryTeam (teams: readonly string[]): boolean {
  return teams.includes(EVERY_TEAM)
}

/**
 * The teams of `held` (a session's, a token's) that `granted` (the users file now, a token's owner)
 * still covers: a user taken out of a team loses it at the next request, whatever they hold.
 */
export function capTeams (held: readonly string[], granted: readonly string[]): string[] {
  if (inEveryTeam(held)) return [...granted]
  return held.filter(team => inTeam(granted, team))
}

/** The team a client belongs to: its developer, or null when it has none (then only `*` members see it). */
export function teamOf (client: Record<string, unknown>): string | null {
  return typeof client.developer === 'string' && client.developer !== '' ? client.developer : null
}
