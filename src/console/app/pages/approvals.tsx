import { useState } from 'preact/hooks'
import { explain } from '../api.ts'
import { ACTION_TEXT, approvalPath, approve, changeRequest, changeRequests, decidableRequests, oneTimeSecret, reject, STATUS_TEXT, withdraw, type ChangeRequest } from '../approvals.ts'
import { ChangesTable } from '../changes.tsx'
import { clientPath } from '../clients.ts'
import { takeFlash } from '../flash.ts'
import { decisionPermission, isRequester } from '../permissions.ts'
import { identity, type Identity } from '../session.ts'
import { ActionButton, ErrorMessage, formatTime, Link, Notice, OneTimeSecret, Show, TextField, useLoad } from '../ui.tsx'

// The server's list is paged; one page of the newest requests is what a person reviews at once.
const PAGE = 100

/** The Approvals page: the pending requests the caller may decide, and the caller's own requests. */
export function Approvals () {
  const who = identity.use()!
  const [loaded] = useLoad('the change requests', async () => {
    const [toDecide, all] = await Promise.all([decidableRequests(who), changeRequests({ limit: PAGE })])
    return { toDecide, mine: all.changeRequests.filter(request => isRequester(who, request)) }
  }, [])
  return (
    <>
      <h1>Approvals</h1>
      <p class='subtitle'>Some client changes wait for a second person (four-eyes approval): decide others' requests here, and follow your own.</p>
      <Show loaded={loaded} what='the change requests'>
        {({ toDecide, mine }) => (
          <>
            <section aria-labelledby='to-decide'>
              <h2 id='to-decide'>Waiting for your decision</h2>
              {toDecide.length === 0 ? <p class='empty'>Nothing waits for you.</p> : <RequestList requests={toDecide} caption='Pending requests you may approve or reject' />}
            </section>
            <section aria-labelledby='mine'>
              <h2 id='mine'>Your requests</h2>
              {mine.length === 0 ? <p class='empty'>You have asked for no change that needs approval.</p> : <RequestList requests={mine} caption='Changes you asked for, newest first' />}
            </section>
          </>
        )}
      </Show>
    </>
  )
}

function RequestList ({ requests, caption }: { requests: ChangeRequest[], caption: string }) {
  return (
    <div class='table-wrap'>
      <table class='requests'>
        <caption>{caption}</caption>
        <thead><tr><th scope='col'>Change</th><th scope='col'>Client</th><th scope='col'>Asked by</th><th scope='col'>Reason</th><th scope='col'>Asked</th><th scope='col'>Status</th></tr></thead>
        <tbody>
          {requests.map(request => (
            <tr key={request.id} data-request={request.id}>
              <td data-label='Change'><Link href={approvalPath(request.id)}>{actionText(request)}</Link></td>
              <td data-label='Client'>{request.clientId}{request.team !== null && <> · team {request.team}</>}</td>
              <td data-label='Asked by'>{personText(request.requestedBy)}</td>
              <td data-label='Reason'>{request.reason ?? <span class='unset'>none given</span>}</td>
              <td data-label='Asked'>{age(request.createdAt)}{request.status === 'pending' && <><br /><small>expires {until(request.expiresAt)}</small></>}</td>
              <td data-label='Status'><StatusBadge request={request} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** One change request: what it changes, who asked and why, and the decisions the caller may take. */
export function ApprovalRequest ({ id }: { id: string }) {
  const who = identity.use()!
  const [notice, setNotice] = useState(takeFlash)
  const [loaded, reload] = useLoad('the change request', async () => await changeRequest(id), [id])
  return (
    <Show loaded={loaded} what='the change request'>
      {request => (
        <>
          <div class='title-row'>
            <h1>{actionText(request)}: client {request.clientId}</h1>
            <StatusBadge request={request} />
          </div>
          <p class='subtitle'><Link href='/approvals'>Approvals</Link> · change request <code>{request.id}</code></p>
          {notice !== undefined && request.status === 'pending' ? <p class='message notice pending-approval' role='status'>{notice}</p> : <Notice text={notice} />}
          <dl class='request-facts'>
            <div><dt>Client</dt><dd><Link href={clientPath(request.clientId)}>{request.clientId}</Link>{request.team !== null && <> (team {request.team})</>}</dd></div>
            <div><dt>Asked by</dt><dd>{personText(request.requestedBy)}</dd></div>
            <div><dt>Reason</dt><dd>{request.reason ?? <span class='unset'>none given</span>}</dd></div>
            <div><dt>Asked</dt><dd>{formatTime(request.createdAt)} ({age(request.createdAt)})</dd></div>
            {request.status === 'pending' && <div><dt>Expires</dt><dd>{formatTime(request.expiresAt)} ({until(request.expiresAt)})</dd></div>}
            <div><dt>Approvals</dt><dd>{request.approvals.length} of {request.quorum}, by {approverText(request)}{request.approvals.length > 0 && `: ${request.approvals.map(personText).join(', ')}`}</dd></div>
            {request.rejection !== undefined && <div><dt>Rejected by</dt><dd>{personText(request.rejection)}: {request.rejection.reason}</dd></div>}
            {request.result?.problem !== undefined && <div><dt>Why it failed</dt><dd>{request.result.problem.detail ?? request.result.problem.title}</dd></div>}
          </dl>
          <div class='request-diff'><Diff request={request} /></div>
          <Decisions who={who} request={request} onDecided={message => { setNotice(message); reload() }} />
          {isRequester(who, request) && request.secretWaiting && <NewSecret id={request.id} />}
        </>
      )}
    </Show>
  )
}

/** The change in the history's diff format; a delete as what it is, not as a property becoming "not set". */
function Diff ({ request }: { request: ChangeRequest }) {
  const deleted = request.action === 'client.delete' ? request.diff.find(change => change.property === 'client')?.before as { clientName?: string } | undefined : undefined
  if (deleted !== undefined) return <p class='panel danger-zone'>Approving deletes the client {deleted.clientName ?? request.clientId} ({request.clientId}): its tokens stop working at once, and it cannot be undone.</p>
  if (request.diff.length === 0) return <p class='empty'>This change sets nothing new.</p>
  return <ChangesTable changes={request.diff} caption='What the change does' beforeLabel='Now (when asked)' afterLabel='After approval' />
}

type Asking = 'approve' | 'reject' | 'withdraw' | undefined

/** Approve, reject (with a reason) and withdraw: each asks first, in a panel naming the consequence. */
function Decisions ({ who, request, onDecided }: { who: Identity, request: ChangeRequest, onDecided: (message: string) => void }) {
  const [asking, setAsking] = useState<Asking>()
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  if (request.status !== 'pending') return null
  const decide = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const decided = asking === 'approve' ? await approve(request.id) : asking === 'reject' ? await reject(request.id, reason) : await withdraw(request.id)
      setAsking(undefined)
      decidableRequests(who).catch(() => {})
      onDecided(`${STATUS_TEXT[decided.status]}.${decided.status === 'pending' ? ` ${decided.quorum - decided.approvals.length} more approval(s) needed.` : ''}`)
    } catch (failure) {
      setError(explain(`Could not ${asking ?? 'decide'}`, failure))
    } finally {
      setBusy(false)
    }
  }
  const toggle = (next: Asking) => { setError(undefined); setAsking(asking === next ? undefined : next) }
  return (
    <section class='actions' aria-label='Decision'>
      <div class='buttons'>
        <ActionButton permission={decisionPermission(who, 'approve', request)} class='primary' onClick={() => { toggle('approve') }} aria-expanded={asking === 'approve'}>Approve…</ActionButton>
        <ActionButton permission={decisionPermission(who, 'reject', request)} class='danger' onClick={() => { toggle('reject') }} aria-expanded={asking === 'reject'}>Reject…</ActionButton>
        {decisionPermission(who, 'withdraw', request).allowed && <button type='button' onClick={() => { toggle('withdraw') }} aria-expanded={asking === 'withdraw'}>Withdraw…</button>}
      </div>
      {asking !== undefined && (
        <form class='panel' aria-label={CONFIRM[asking].title} onSubmit={decide}>
          <p><strong>{CONFIRM[asking].title}</strong> {CONFIRM[asking].consequence(request)}</p>
          {asking === 'reject' && <TextField label='Why you reject it' name='rejectReason' value={reason} onInput={setReason} required hint='1 to 500 characters; the requester sees it.' />}
          <ErrorMessage text={error} />
          <div class='buttons'>
            <button type='submit' class={asking === 'approve' ? 'primary' : 'danger'} disabled={busy || (asking === 'reject' && reason.trim() === '')}>{CONFIRM[asking].action}</button>
            <button type='button' onClick={() => { setAsking(undefined) }}>Cancel</button>
          </div>
        </form>
      )}
      {asking === undefined && <ErrorMessage text={error} />}
    </section>
  )
}

const CONFIRM: Record<'approve' | 'reject' | 'withdraw', { title: string, action: string, consequence: (request: ChangeRequest) => string }> = {
  approve: {
    title: 'Approve this change?',
    action: 'Approve',
    consequence: request => request.approvals.length + 1 >= request.quorum
      ? `Yours is the last approval needed: the proxy applies the change to client ${request.clientId} at once.`
      : `It still needs ${request.quorum - request.approvals.length - 1} more approval(s) after yours.`
  },
  reject: { title: 'Reject this change?', action: 'Reject', consequence: () => 'Nothing is applied; the requester sees your reason.' },
  withdraw: { title: 'Withdraw your request?', action: 'Withdraw', consequence: () => 'Nothing is applied, and no one can approve it any more.' }
}

/** The requester's new secret after an approved refresh or update: fetched on demand, shown once, kept in memory only. */
function NewSecret ({ id }: { id: string }) {
  const [secret, setSecret] = useState<string>()
  const [error, setError] = useState<string>()
  const fetchSecret = async () => {
    try {
      const answer = await oneTimeSecret(id)
      setSecret(answer.newClientSecret ?? answer.clientSecret)
    } catch (failure) {
      setError(explain('Could not get the new secret', failure))
    }
  }
  if (secret !== undefined) return <OneTimeSecret label='New client secret' value={secret} />
  return (
    <section class='panel' aria-label='The new secret'>
      <p>The change was applied: its new client secret waits for you, and can be shown <strong>once</strong>.</p>
      <button type='button' class='primary' onClick={() => { fetchSecret().catch(() => {}) }}>Show the new secret</button>
      <ErrorMessage text={error} />
    </section>
  )
}

function StatusBadge ({ request }: { request: ChangeRequest }) {
  const tone = request.status === 'approved-applied' ? 'success' : request.status === 'pending' || request.status === 'applying' ? 'pending' : 'failure'
  return <span class={`badge ${tone}`} data-status={request.status}>{STATUS_TEXT[request.status]}</span>
}

const actionText = (request: ChangeRequest) => ACTION_TEXT[request.action] ?? request.action
const personText = (person: { source: string, username: string }) => `${person.username} (${person.source})`
const approverText = (request: ChangeRequest) => `${request.approvers.role}s${request.approvers.team === undefined ? (request.team === null ? '' : ` of team ${request.team}`) : ` of team ${request.approvers.team}`}`

/** "5 minutes ago": the age of a request at a glance. */
function age (at: string): string {
  return `${span(Date.now() - Date.parse(at))} ago`
}

function until (at: string): string {
  const left = Date.parse(at) - Date.now()
  return left <= 0 ? 'now' : `in ${span(left)}`
}

function span (ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000))
  if (minutes < 1) return 'less than a minute'
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`
  const hours = Math.round(minutes / 60)
  return hours < 48 ? `${hours} hours` : `${Math.round(hours / 24)} days`
}
