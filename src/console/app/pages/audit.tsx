import { Fragment } from 'preact'
import { useState } from 'preact/hooks'
import { ApiError, explain, get, query } from '../api.ts'
import { permission } from '../permissions.ts'
import { location, navigate, searchParams } from '../router.ts'
import { identity, teamsMode, type Identity } from '../session.ts'
import { TeamFilter } from '../team-filter.tsx'
import { RecordChange } from './audit-change.tsx'
import { ActionButton, ErrorMessage, formatTime, Link, Notice, Show, TextField, useLoad } from '../ui.tsx'

interface AuditRecord {
  id: number,
  time: string,
  actor: string | null,
  roles: string[],
  via?: string | null,
  action: string,
  route: string,
  clientId: string | null,
  subject: string | null,
  team?: string | null,
  clientIp: string,
  userAgent: string | null,
  changedProperties: string[] | null,
  outcome: string,
  status: number | null,
  resultCode: string | null,
  durationMs: number | null,
  requestId: string
}
interface AuditPage { records: AuditRecord[], nextCursor: number | null }

const FILTERS = ['actor', 'source', 'clientId', 'team', 'action', 'outcome', 'since', 'until'] as const
// Usernames are unique within a source only: with an actor and no source, the server means a local user.
const SOURCES = ['local', 'oidc', 'gateway']
type Filters = Record<typeof FILTERS[number], string>
// success and failure as the upstream answered; unknown: the answer was lost; denied: another team's
// client; abandoned: never forwarded (the caller left, or the intent was committed after a 503).
const OUTCOMES = ['success', 'failure', 'unknown', 'denied', 'abandoned', 'pending']
const ACTIONS = ['client.create', 'client.update', 'client.patch', 'client.delete', 'client.lock', 'client.secret.refresh', 'client.secret.update',
  'authorization.update', 'authorization.delete', 'granted-scopes.delete', 'registration.update', 'auth.token.create', 'auth.token.revoke', 'auth.sessions.revoke', 'auth.login-failures.clear', 'auth.backchannel-logout',
  // Reads are recorded only when refused (ACCESS_MODEL=teams: another team's client).
  'client.read', 'granted-scopes.read']

export function Audit () {
  location.use()
  const who = identity.use()!
  const allowed = permission(who, 'audit.read')
  if (!allowed.allowed) return <><h1>Audit trail</h1><p class='reason' role='status'>{allowed.reason}</p></>
  return <AuditTrail who={who} />
}

function AuditTrail ({ who }: { who: Identity }) {
  const teams = teamsMode(who)
  const params = searchParams()
  const applied = Object.fromEntries(FILTERS.map(name => [name, params.get(name) ?? ''])) as Filters
  const cursor = params.get('cursor') ?? ''
  const [filters, setFilters] = useState<Filters>(applied)
  const [loaded] = useLoad('the audit trail', async () => (await get<AuditPage>(`/api/audit${query({ ...toQuery(applied), cursor, limit: 50 })}`)).data, [JSON.stringify(applied), cursor])
  const [open, setOpen] = useState<number>()
  const search = (next: Partial<Filters & { cursor: string }>) => { navigate(`/audit${query({ ...toQuery({ ...applied, ...next }), cursor: next.cursor })}`) }
  return (
    <>
      <h1>Audit trail</h1>
      <Verify who={who} />
      <form class='filters' aria-label='Filter the audit records' onSubmit={event => { event.preventDefault(); search(filters) }}>
        <TextField label='Actor' name='actor' value={filters.actor} onInput={actor => { setFilters({ ...filters, actor }) }} />
        <div class='field'>
          <label for='audit-source'>Actor's source</label>
          <select id='audit-source' name='source' value={filters.source} onChange={event => { setFilters({ ...filters, source: event.currentTarget.value }) }}>
            <option value=''>Any (local with an actor)</option>{SOURCES.map(source => <option key={source} value={source}>{source}</option>)}
          </select>
        </div>
        <TextField label='Client ID or alias' name='clientId' value={filters.clientId} onInput={clientId => { setFilters({ ...filters, clientId }) }} />
        {teams && <TeamFilter who={who} name='team' label='Team' value={filters.team} onInput={team => { setFilters({ ...filters, team }) }} />}
        <div class='field'>
          <label for='audit-action'>Action</label>
          <select id='audit-action' name='action' value={filters.action} onChange={event => { setFilters({ ...filters, action: event.currentTarget.value }) }}>
            <option value=''>Any</option>
            {ACTIONS.map(action => <option key={action} value={action}>{action}</option>)}
          </select>
        </div>
        <div class='field'>
          <label for='audit-outcome'>Outcome</label>
          <select id='audit-outcome' name='outcome' value={filters.outcome} onChange={event => { setFilters({ ...filters, outcome: event.currentTarget.value }) }}>
            <option value=''>Any</option>{OUTCOMES.map(outcome => <option key={outcome} value={outcome}>{outcome}</option>)}
          </select>
        </div>
        <TextField label='From (UTC)' name='since' type='datetime-local' value={filters.since} onInput={since => { setFilters({ ...filters, since }) }} />
        <TextField label='Until (UTC)' name='until' type='datetime-local' value={filters.until} onInput={until => { setFilters({ ...filters, until }) }} />
        <div class='buttons'>
          <button type='submit' class='primary'>Apply filters</button>
          <Export filters={applied} />
        </div>
      </form>
      <Show loaded={loaded} what='the audit trail'>
        {page => page.records.length === 0
          ? <p class='empty'>No audit record matches.</p>
          : (
            <>
              <div class='table-wrap'>
                <table class='audit'>
                  <caption>Audit records, newest first</caption>
                  <thead><tr><th scope='col'>Time</th><th scope='col'>Actor</th><th scope='col'>Action</th><th scope='col'>Client</th>{teams && <th scope='col'>Team</th>}<th scope='col'>Outcome</th><th scope='col'>Details</th></tr></thead>
                  <tbody>
                    {page.records.map(record => (
                      <Fragment key={record.id}>
                        <tr data-audit-id={String(record.id)}>
                          <td data-label='Time'>{formatTime(record.time)}</td>
                          <td data-label='Actor'>{record.actor ?? ''}</td>
                          <td data-label='Action'>{record.action}</td>
                          <td data-label='Client'>{record.clientId === null ? '' : /^\d+$/.test(record.clientId) ? <Link href={`/clients/${record.clientId}`}>{record.clientId}</Link> : record.clientId}</td>
                          {teams && <td data-label='Team'>{record.team ?? ''}</td>}
                          <td data-label='Outcome'><span class={`badge ${record.outcome}`}>{record.outcome}</span> {record.status ?? ''}</td>
                          <td data-label='Details'><button type='button' aria-expanded={open === record.id} onClick={() => { setOpen(open === record.id ? undefined : record.id) }}>{open === record.id ? 'Hide' : 'Show'}<span class='visually-hidden'> record {record.id}</span></button></td>
                        </tr>
                        {open === record.id && <tr class='details'><td colSpan={teams ? 7 : 6}><pre tabIndex={0} aria-label={`Audit record ${record.id}`}>{JSON.stringify(record, null, 2)}</pre><RecordChange record={record} /></td></tr>}
                      </Fragment>
                    ))}
                  </tbody>
                </table>
              </div>
              <nav class='pager' aria-label='Pages'>
                {cursor !== '' && <button type='button' onClick={() => { search({ cursor: '' }) }}>Newest</button>}
                <button type='button' disabled={page.nextCursor === null} onClick={() => { search({ cursor: String(page.nextCursor) }) }}>Older</button>
              </nav>
            </>
            )}
      </Show>
    </>
  )
}

/** datetime-local values are read as UTC and sent as RFC 3339. */
function toQuery (filters: Filters): Record<string, string | undefined> {
  const time = (value: string) => value === '' ? undefined : `${value.length === 16 ? `${value}:00` : value}Z`
  return { ...filters, since: time(filters.since), until: time(filters.until) }
}

function Verify ({ who }: { who: Identity }) {
  const [result, setResult] = useState<string>()
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const verify = async () => {
    setBusy(true)
    setError(undefined)
    setResult(undefined)
    try {
      const { data } = await get<{ ok: boolean, checked: number, firstProblem?: { seq: number, problem: string } }>('/api/audit/verify')
      if (data.ok) setResult(`The chain is intact: ${data.checked} entries checked.`)
      else setError(`The chain is broken at entry ${data.firstProblem?.seq}: ${data.firstProblem?.problem} (${data.checked} entries checked).`)
    } catch (failure) {
      setError(explain('Could not verify the chain', failure))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class='verify'>
      <ActionButton permission={permission(who, 'audit.verify')} onClick={verify} disabled={busy}>{busy ? 'Verifying…' : 'Verify the chain'}</ActionButton>
      <Notice text={result} />
      <ErrorMessage text={error} />
    </div>
  )
}

/** NDJSON export of every matching record, as a file download made in the page (no secret in a URL). */
function Export ({ filters }: { filters: Filters }) {
  const [error, setError] = useState<string>()
  const download = async () => {
    setError(undefined)
    try {
      const response = await fetch(`/api/audit${query(toQuery(filters))}`, { headers: { accept: 'application/x-ndjson' }, credentials: 'same-origin' })
      if (!response.ok) throw new ApiError({ status: response.status, ...(await response.json().catch(() => ({}))) }, undefined)
      const url = URL.createObjectURL(await response.blob())
      const link = document.createElement('a')
      link.href = url
      link.download = `audit-${new Date().toISOString().slice(0, 19).replaceAll(':', '')}.ndjson`
      link.click()
      setTimeout(() => { URL.revokeObjectURL(url) }, 10_000)
    } catch (failure) {
      setError(explain('Could not export the records', failure))
    }
  }
  return <><button type='button' onClick={download}>Export NDJSON</button><ErrorMessage text={error} /></>
}
