// What the policy commands do (policy-commands.ts has their help); loaded only when one runs.
import { loadPolicy, PolicyFileError } from '../policy/policy-file.ts'
import type { Policy } from '../policy/policy-types.ts'
import { EXIT_OK, EXIT_USAGE, parseOptions, UsageError } from './command.ts'

/** One line: the profile, and each team with the profile its clients meet. */
function policySummary (file: string, policy: Policy): string {
  const teams = Object.entries(policy.teams).map(([name, team]) => `${name} (${team.profile ?? policy.profile})`)
  return `${file}: ok: profile ${policy.profile}; teams: ${teams.length === 0 ? 'none' : teams.join(', ')}`
}

export async function checkPolicyFile (args: string[]): Promise<number> {
  const { positionals } = parseOptions(args, {})
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the policy file: policy check FILE' : `unexpected argument '${positionals[1]}'`)
  const file = positionals[0]!
  try {
    process.stdout.write(`${policySummary(file, await loadPolicy({ file }))}\n`)
    return EXIT_OK
  } catch (error) {
    if (!(error instanceof PolicyFileError)) throw error
    process.stderr.write(`authlete-bff policy check: ${error.message}\n`)
    return EXIT_USAGE
  }
}
