import { readFile, stat } from 'node:fs/promises'
import { extname } from 'node:path'
import { Type, type Static, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { parse as parseYaml } from 'yaml'
import { writableClientProperties } from '../clients/client-schema.ts'
import { TEAM_NAME, TEAM_NAME_RULE } from '../teams/membership.ts'
import { PROFILES, profileRank, type Policy, type ProfileName, type TeamRules } from './policy-types.ts'
import { patternCoveredBy } from './redirect-uris.ts'
import { RULE_IDS } from './rules.ts'
import { ApprovalRulesSchema } from '../approvals/approval-rules.ts'

// The policy file (POLICY_FILE; docs/policy.md): one schema, unknown keys refused, so that a typo
// never weakens a policy quietly. `approvals`, globally and per team (issue 25, docs/approvals.md),
// says which writes need a second person.

const PROFILE_RULE = `one of ${PROFILES.join(', ')} (weakest to strictest)`
export const ProfileSchema = Type.Enum([...PROFILES], { description: `must be ${PROFILE_RULE}` })

/** A rule ID, wherever one is given (exceptions; issue 25's approvals). */
export const RuleIdSchema = Type.Enum([...RULE_IDS], { description: `must be a rule ID: ${RULE_IDS.join(', ')}` })

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
const HOST_PATTERN_RULE = 'must be a host (app.example.com), *. and a domain for its subdomains (*.example.com), or a loopback IP literal (127.0.0.1, [::1])'
const HostPattern = Type.String({
  maxLength: 253,
  pattern: `^(?:(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*|\\[::1\\])$`,
  description: HOST_PATTERN_RULE
})
const unique = <T extends TSchema>(items: T, what: string) =>
  Type.Array(items, { uniqueItems: true, maxItems: 100, description: `must be a list of ${what}, each once` })
// The client schema describes what a token auth method is; here only the enum, so that an error says which values are accepted.
const TokenAuthMethod = Type.Enum([...writableClientProperties.tokenAuthMethod.enum])
const Seconds = Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'must be a whole number of seconds, 1 or more' })

const RulesSchema = Type.Object({
  redirectUriHosts: Type.Optional(unique(HostPattern, 'host patterns')),
  grantTypes: Type.Optional(unique(writableClientProperties.grantTypes.items, 'grant types')),
  tokenAuthMethods: Type.Optional(unique(TokenAuthMethod, 'client authentication methods')),
  maxAccessTokenSeconds: Type.Optional(Seconds),
  maxRefreshTokenSeconds: Type.Optional(Seconds)
}, { additionalProperties: false, description: 'must be a mapping of limits' })

const TeamSchema = Type.Object({
  profile: Type.Optional(ProfileSchema),
  rules: Type.Optional(RulesSchema),
  approvals: Type.Optional(ApprovalRulesSchema)
}, { additionalProperties: false, description: 'must be a mapping with profile, rules and approvals' })

const PolicyFileSchema = Type.Object({
  profile: ProfileSchema,
  rules: Type.Optional(RulesSchema),
  approvals: Type.Optional(ApprovalRulesSchema),
  teams: Type.Optional(Type.Record(Type.String({ pattern: TEAM_NAME.source }), TeamSchema, {
    additionalProperties: false, description: `must be a mapping of team names (${TEAM_NAME_RULE}) to a profile and rules`
  }))
}, { additionalProperties: false, description: 'must be a mapping with profile, and optionally rules, approvals and teams' })

type PolicyFile = Static<typeof PolicyFileSchema>

/** A policy file refused: `path` is the JSON pointer of the first error ('' for the whole file). */
export class PolicyFileError extends Error {
  override name = 'PolicyFileError'
  readonly path: string
  readonly detail: string
  constructor (fileName: string, path: string, detail: string) {
    super(path === '' ? `${fileName}: ${detail}` : `${fileName}: ${path}: ${detail}`)
    this.path = path
    this.detail = detail
  }
}

type Format = 'yaml' | 'json'

function formatOf (fileName: string): Format {
  const extension = extname(fileName).toLowerCase()
  if (extension === '.json') return 'json'
  if (extension === '.yaml' || extension === '.yml') return 'yaml'
  throw new PolicyFileError(fileName, '', `has the extension '${extension}': a policy file is YAML (.yaml, .yml) or JSON (.json)`)
}

// The parser's first line, without its advice to programmers.
const parserMessage = (error: Error): string => error.message.split('\n')[0]!.replace(/:$/, '')
  .replace(/^Source contains multiple documents.*? at /, 'more than one document (---): a policy file is one document, at ')

function decode (text: string, fileName: string): unknown {
  const format = formatOf(fileName)
  // An editor's byte order mark is no content (JSON.parse would refuse it).
  const content = text.replace(/^\uFEFF/, '')
  try {
    return format === 'json' ? JSON.parse(content) : parseYaml(content, { uniqueKeys: true, maxAliasCount: 100 })
  } catch (error) {
    throw new PolicyFileError(fileName, '', `is not valid ${format === 'json' ? 'JSON' : 'YAML'}: ${parserMessage(error as Error)}`)
  }
}

/** A JSON pointer's segment as the key it names (RFC 6901: ~1 is /, ~0 is ~). */
const keyOf = (segment: string): string => segment.replaceAll('~1', '/').replaceAll('~0', '~')

/** The schema a Value.Errors schemaPath (`#/properties/teams/...`) names. */
function schemaAt (schemaPath: string): Record<string, unknown> | undefined {
  let node: unknown = PolicyFileSchema
  for (const part of schemaPath.replace(/^#\/?/, '').split('/').filter(part => part !== '')) {
    node = (node as Record<string, unknown> | undefined)?.[keyOf(part)]
  }
  return node as Record<string, unknown> | undefined
}

interface Issue { keyword: string, schemaPath: string, instancePath: string, params: Record<string, unknown> }

function unknownKey (issue: Issue): string {
  const key = keyOf(issue.instancePath.slice(issue.instancePath.lastIndexOf('/') + 1))
  const parent = schemaAt(issue.schemaPath.replace(/\/additionalProperties$/, ''))
  if (parent?.patternProperties !== undefined) return `'${key}' is not a team name: ${TEAM_NAME_RULE}`
  const keys = Object.keys((parent?.properties ?? {}) as object)
  return `unknown key '${key}': accepted here: ${keys.join(', ')}`
}

/** The property a `required` issue names (profile, or an approval rule's action). */
const missingProperty = (issue: Issue): string => (issue.params.requiredProperties as string[])[0]!

function issueMessage (issue: Issue): string {
  if (issue.keyword === 'boolean') return unknownKey(issue)
  if (issue.keyword === 'required') {
    const rule = schemaAt(`${issue.schemaPath}/properties/${missingProperty(issue)}`)!.description as string
    return `is required: ${rule.replace(/^must be /, '')}`
  }
  const described = schemaAt(issue.schemaPath)?.description
  if (typeof described === 'string') return described
  if (issue.keyword === 'enum') return `must be one of ${(issue.params.allowedValues as unknown[]).join(', ')}`
  return `is invalid (${issue.keyword})`
}

function issuePath (issue: Issue): string {
  if (issue.keyword === 'required') return `${issue.instancePath}/${missingProperty(issue)}`
  return issue.instancePath
}

/** A team's profile and limits may only be as strict as the global ones, or stricter: the first that is weaker. */
function weakerTeamSetting (file: PolicyFile): { path: string, detail: string } | undefined {
  const global = file.rules ?? {}
  for (const [team, settings] of Object.entries(file.teams ?? {})) {
    const at = `/teams/${team}`
    if (settings.profile !== undefined && profileRank(settings.profile) < profileRank(file.profile)) {
      return { path: `${at}/profile`, detail: `'${settings.profile}' is weaker than the global profile '${file.profile}': a team's profile may only be the same or stricter (${PROFILES.join(' < ')})` }
    }
    const weaker = weakerLimit(global, settings.rules ?? {})
    if (weaker !== undefined) return { path: `${at}/rules/${weaker.path}`, detail: weaker.detail }
  }
  return undefined
}

function weakerLimit (global: TeamRules, team: TeamRules): { path: string, detail: string } | undefined {
  for (const name of ['redirectUriHosts', 'grantTypes', 'tokenAuthMethods'] as const) {
    const allowed = global[name]
    if (allowed === undefined) continue
    const covered = name === 'redirectUriHosts' ? (value: string) => allowed.some(wider => patternCoveredBy(value, wider)) : (value: string) => allowed.includes(value)
    const index = (team[name] ?? []).findIndex(value => !covered(value))
    if (index >= 0) return { path: `${name}/${index}`, detail: `'${team[name]![index]}' is outside the global ${name} (${allowed.join(', ') || 'none'}): a team may only narrow the global list` }
  }
  for (const name of ['maxAccessTokenSeconds', 'maxRefreshTokenSeconds'] as const) {
    const limit = global[name]
    const value = team[name]
    if (limit !== undefined && value !== undefined && value > limit) return { path: name, detail: `${value} is more than the global ${name} ${limit}: a team may only lower it` }
  }
  return undefined
}

/** The policy a file's text states (YAML or JSON, by the file name's extension); PolicyFileError names the first error. */
export function parsePolicy (text: string, fileName: string): Policy {
  const data = decode(text, fileName)
  const issue = Value.Errors(PolicyFileSchema, data)[0] as Issue | undefined
  if (issue !== undefined) throw new PolicyFileError(fileName, issuePath(issue), issueMessage(issue))
  const file = data as PolicyFile
  const weaker = weakerTeamSetting(file)
  if (weaker !== undefined) throw new PolicyFileError(fileName, weaker.path, weaker.detail)
  return { profile: file.profile, rules: file.rules ?? {}, teams: file.teams ?? {}, ...(file.approvals === undefined ? {} : { approvals: file.approvals }) }
}

// A policy is a few kilobytes; a larger file is a mistake (a log, a binary), refused before it is read.
const MAX_FILE_BYTES = 1024 * 1024

/** The policy from `file` (POLICY_FILE), or else the profile alone (POLICY_PROFILE, default baseline). */
export async function loadPolicy (options: { file?: string, profile?: ProfileName }): Promise<Policy> {
  if (options.file === undefined) return { profile: options.profile ?? 'baseline', rules: {}, teams: {} }
  let text: string
  try {
    if ((await stat(options.file)).size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`)
    text = await readFile(options.file, 'utf8')
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new PolicyFileError(options.file, '', missing ? 'does not exist' : `cannot be read: ${(error as Error).message}`)
  }
  return parsePolicy(text, options.file)
}
