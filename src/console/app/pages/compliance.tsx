import { useId, useState } from 'preact/hooks'
import { explain } from '../api.ts'
import type { Client } from '../clients.ts'
import { permission } from '../permissions.ts'
import { addException, effectivePolicy, MAX_EXCEPTION_DAYS, removeException, type Compliance, type RuleInfo } from '../policy.ts'
import { FindingList } from '../policy-findings.tsx'
import type { Identity } from '../session.ts'
import { ActionButton, ErrorMessage, formatTime, Notice, useLoad } from '../ui.tsx'

const DAY_MS = 24 * 60 * 60 * 1000

/** A client's page: its standing against the policy, its exceptions, and (for its team's admins) adding and removing them. */
export function CompliancePanel ({ who, client, clientId, compliance, onChanged }: { who: Identity, client: Client, clientId: string, compliance: Compliance, onChanged: () => void }) {
  const [notice, setNotice] = useState<string>()
  const [error, setError] = useState<string>()
  const [adding, setAdding] = useState(false)
  const allowed = permission(who, 'policy.exception', client)
  const changed = (message: string) => { setNotice(message); setError(undefined); onChanged() }
  const remove = async (rule: string) => {
    try {
      await removeException(clientId, rule)
      changed(`Removed the exception for ${rule}: the rule applies to this client again.`)
    } catch (failure) {
      setError(explain(`Could not remove the exception for ${rule}`, failure))
    }
  }
  return (
    <section class='group compliance' aria-labelledby='compliance-title'>
      <h2 id='compliance-title'>Security policy</h2>
      <p class='subtitle'>Profile <code>{compliance.profile}</code>{compliance.team !== null && compliance.team !== undefined && <> · team <code>{compliance.team}</code></>}</p>
      {compliance.violations.length + (compliance.warnings ?? []).length === 0
        ? <p>The client meets every rule of its policy.</p>
        : <FindingList violations={compliance.violations} warnings={compliance.warnings ?? []} showProperty />}
      <h3>Exceptions</h3>
      {compliance.exceptions.length === 0
        ? <p class='empty'>No exception: every rule applies.</p>
        : (
          <ul class='cards exceptions'>
            {compliance.exceptions.map(exception => (
              <li key={exception.rule} class='card' data-rule={exception.rule}>
                <p><code>{exception.rule}</code> until <strong>{formatTime(exception.expiresAt)}</strong></p>
                <p>{exception.reason}</p>
                {exception.createdBy !== undefined && <p class='reason'>Granted by {exception.createdBy}{exception.createdAt !== undefined && <> on {formatTime(exception.createdAt)}</>}</p>}
                <ActionButton permission={allowed} onClick={async () => { await remove(exception.rule) }}>Remove the exception for {exception.rule}</ActionButton>
              </li>
            ))}
          </ul>
          )}
      <Notice text={notice} />
      <ErrorMessage text={error} />
      {adding
        ? <AddException clientId={clientId} compliance={compliance} onCancel={() => { setAdding(false) }} onAdded={message => { setAdding(false); changed(message) }} />
        : <ActionButton permission={allowed} onClick={() => { setAdding(true) }} aria-expanded={false}>Add an exception…</ActionButton>}
    </section>
  )
}

function AddException ({ clientId, compliance, onCancel, onAdded }: { clientId: string, compliance: Compliance, onCancel: () => void, onAdded: (message: string) => void }) {
  const id = useId()
  const violated = [...new Set(compliance.violations.filter(violation => violation.excepted !== true).map(violation => violation.rule))]
  const [rules] = useLoad('the policy\'s rules', async () => rulesOf(await effectivePolicy(), compliance.team), [compliance.team])
  const others = rules.state === 'done' ? rules.value.filter(rule => !violated.includes(rule.id)) : []
  const [rule, setRule] = useState(violated[0] ?? '')
  const [reason, setReason] = useState('')
  const [expires, setExpires] = useState(dateAhead(30))
  const [error, setError] = useState<string>()
  const submit = async (event: Event) => {
    event.preventDefault()
    try {
      // Midnight UTC of the chosen day: the last day allowed is then still within 90 days of now.
      const exception = await addException(clientId, { rule, reason: reason.trim(), expiresAt: `${expires}T00:00:00.000Z` })
      onAdded(`Added an exception for ${exception.rule ?? rule} until ${formatTime(exception.expiresAt ?? `${expires}T00:00:00.000Z`)}.`)
    } catch (failure) {
      setError(explain('Could not add the exception', failure))
    }
  }
  return (
    <form class='panel' aria-label='Add a policy exception' onSubmit={submit}>
      <div class='field'>
        <label for={`${id}-rule`}>Rule</label>
        <select id={`${id}-rule`} name='rule' value={rule} required onChange={event => { setRule(event.currentTarget.value) }}>
          <option value=''>(choose a rule)</option>
          {violated.length > 0 && <optgroup label='Broken by this client'>{violated.map(id => <option key={id} value={id}>{id}</option>)}</optgroup>}
          {others.length > 0 && <optgroup label='Other rules'>{others.map(info => <option key={info.id} value={info.id}>{info.id}: {info.summary}</option>)}</optgroup>}
        </select>
      </div>
      <div class='field'>
        <label for={`${id}-reason`}>Reason</label>
        <textarea id={`${id}-reason`} name='reason' rows={2} required maxLength={500} value={reason} onInput={event => { setReason(event.currentTarget.value) }} aria-describedby={`${id}-reason-hint`} />
        <small id={`${id}-reason-hint`} class='hint'>Why this client may break the rule for a while (at most 500 characters); shown on the client and kept in the audit trail.</small>
      </div>
      <div class='field'>
        <label for={`${id}-expires`}>Expires on (UTC)</label>
        <input id={`${id}-expires`} name='expiresAt' type='date' required value={expires} min={dateAhead(1)} max={dateAhead(MAX_EXCEPTION_DAYS)} onInput={event => { setExpires(event.currentTarget.value) }} aria-describedby={`${id}-expires-hint`} />
        <small id={`${id}-expires-hint`} class='hint'>At most {MAX_EXCEPTION_DAYS} days ahead; the rule applies again from then on.</small>
      </div>
      <ErrorMessage text={error} />
      <div class='buttons'>
        <button type='submit' class='primary' disabled={rule === '' || reason.trim() === ''}>Add the exception</button>
        <button type='button' onClick={onCancel}>Cancel</button>
      </div>
    </form>
  )
}

/** The rules of the client's team, or of every team (roles mode answers `*`). */
function rulesOf (policy: { teams: Record<string, { rules: RuleInfo[] }> }, team: string | null): RuleInfo[] {
  return (team !== null && policy.teams[team] !== undefined ? policy.teams[team] : policy.teams['*'] ?? Object.values(policy.teams)[0])?.rules ?? []
}

/** YYYY-MM-DD, `days` after today (UTC). */
function dateAhead (days: number): string {
  return new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10)
}
