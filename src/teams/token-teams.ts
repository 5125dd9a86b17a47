import { errors } from '../http/errors.ts'
import type { Identity } from '../auth/identity.ts'
import { inTeam } from './membership.ts'

/** The teams a new API token carries: the ones asked for, each among the creator's, or all of the creator's. */
export function tokenTeams (creator: Identity, asked: string[] | undefined): string[] {
  const own = creator.teams ?? []
  if (asked === undefined) return [...own]
  // `*` is asked for like any team: only a `*` creator has it.
  const outside = asked.find(team => !inTeam(own, team))
  if (outside !== undefined) throw new errors.TeamCeiling(outside)
  return [...asked].sort()
}
