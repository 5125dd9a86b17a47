import { Type } from 'typebox'

/** As a team: every team. Only a users file, TEAM_MAP or a `*` creator's token can grant it. */
export const EVERY_TEAM = '*'

// A team is a client's `developer` value: the same limits as that property and the list filter.
export const TeamSchema = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f\\u007f]+$' })
export const TeamsSchema = Type.Array(TeamSchema, { maxItems: 100, uniqueItems: true })

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
