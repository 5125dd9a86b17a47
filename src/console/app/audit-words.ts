// An audit record in one sentence, as the audit page shows it: who did what to which client or user.
// Pure, so it is tested without a browser (test/console/audit-words.test.ts).

export interface DescribedRecord {
  actor: string | null
  source?: string | null
  action: string
  clientId: string | null
  subject: string | null
  clientIp: string
  changedProperties: string[] | null
  target?: { source: string, username: string, tokenId?: string } | null
  outcome: string
}

/** What an action does, past tense and as an attempt: `{client}`, `{subject}`, `{user}` and `{token}` are filled in. */
const PHRASES: Record<string, [done: string, tried: string]> = {
  'client.create': ['created {client}', 'create a client'],
  'client.update': ['replaced the settings of {client}', 'replace the settings of {client}'],
  'client.patch': ['changed {properties} of {client}', 'change {properties} of {client}'],
  'client.delete': ['deleted {client}', 'delete {client}'],
  'client.lock': ['locked {client}', 'lock {client}'],
  'client.unlock': ['unlocked {client}', 'unlock {client}'],
  'client.secret.refresh': ['refreshed the secret of {client}', 'refresh the secret of {client}'],
  'client.secret.update': ['set the secret of {client}', 'set the secret of {client}'],
  'client.read': ['read {client}', 'read {client}'],
  'authorization.update': ['changed the scopes of the tokens {subject} holds for {client}', 'change the scopes of the tokens {subject} holds for {client}'],
  'authorization.delete': ['deleted the tokens {subject} holds for {client}', 'delete the tokens {subject} holds for {client}'],
  'granted-scopes.delete': ['forgot the scopes {subject} granted to {client}', 'forget the scopes {subject} granted to {client}'],
  'granted-scopes.read': ['read the scopes {subject} granted to {client}', 'read the scopes {subject} granted to {client}'],
  'registration.update': ['updated the registration of {client} (RFC 7592)', 'update the registration of {client} (RFC 7592)'],
  'auth.token.create': ['created API token {token} for {user}', 'create an API token for {user}'],
  'auth.token.revoke': ['revoked API token {token} of {user}', 'revoke API token {token} of {user}'],
  'auth.sessions.revoke': ['ended the sessions of {user}', 'end the sessions of {user}'],
  'auth.login-failures.clear': ['cleared the failed sign-ins of {user}', 'clear the failed sign-ins of {user}']
}

const MAX_PROPERTIES_NAMED = 3

export function describeRecord (record: DescribedRecord): string {
  const via = record.source === undefined || record.source === null ? '' : ` (${record.source})`
  if (record.action === 'auth.login') return `${record.actor ?? 'someone'} signed in${via} from ${record.clientIp}`
  if (record.action === 'auth.login.failure') return `sign-in failed${record.actor === null ? '' : ` for ${record.actor}`}${via} from ${record.clientIp}`
  if (record.action === 'auth.backchannel-logout') return `the OpenID Provider signed out ${record.target?.username ?? 'a user'}`
  const actor = record.actor ?? 'an unknown caller'
  const phrase = PHRASES[record.action]
  if (phrase === undefined) return `${actor}: ${record.action}${record.clientId === null ? '' : ` on client ${record.clientId}`}`
  const [done, tried] = phrase
  const words = record.outcome === 'success' ? done : `tried to ${tried}`
  return `${actor} ${fill(words, record)}`
}

function fill (words: string, record: DescribedRecord): string {
  const properties = record.changedProperties ?? []
  const named = properties.length === 0
    ? 'settings'
    : properties.length <= MAX_PROPERTIES_NAMED ? properties.join(', ') : `${properties.slice(0, MAX_PROPERTIES_NAMED).join(', ')} and ${properties.length - MAX_PROPERTIES_NAMED} more`
  return words
    .replace('{client}', record.clientId === null ? 'a client' : `client ${record.clientId}`)
    .replace('{subject}', record.subject ?? 'an end-user')
    .replace('{user}', record.target?.username ?? 'a user')
    .replace('{token}', record.target?.tokenId ?? '')
    .replace('{properties}', named)
    .replace(/ {2,}/g, ' ')
}
