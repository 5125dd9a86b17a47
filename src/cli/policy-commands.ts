import type { Command, CommandGroup } from './command.ts'

// Help texts only: the check (TypeBox, yaml) loads when it runs, so --help is instant.
const check: Command = {
  name: 'check',
  summary: 'validate a policy file offline (POLICY_FILE)',
  help: `Usage: authlete-bff policy check FILE

Reads FILE as the server reads POLICY_FILE (YAML for .yaml or .yml, JSON for .json) and checks it
against the policy file's schema: the profile (off, baseline, oauth2.1, fapi2), the limits (rules:
redirectUriHosts, grantTypes, tokenAuthMethods, maxAccessTokenSeconds, maxRefreshTokenSeconds), and
each team's profile and limits, which may only be as strict as the global ones or stricter. Unknown
keys are refused. Nothing is contacted: no server, no Authlete.

Prints one line on success: the file, its profile and its teams with their profiles (exit 0).
Otherwise prints the first error on stderr: the JSON pointer of the place (/teams/acme/profile) and
what is accepted there (exit 2). docs/policy.md describes the file and the rules.`,
  run: async args => await (await import('./policy-actions.ts')).checkPolicyFile(args)
}

export const policyCommands: CommandGroup = {
  name: 'policy',
  summary: 'security policy for clients (docs/policy.md)',
  help: `Usage: authlete-bff policy <command> ...

Tools for the security policy the server applies to every client change (POLICY_FILE, POLICY_PROFILE;
docs/policy.md).`,
  commands: [check]
}
