import { useEffect, useMemo, useState } from 'preact/hooks'
import { ApiError, call, explain, get, type FieldProblem } from '../api.ts'
import { clientPath, developerLabel, type Client } from '../clients.ts'
import { isCredentialProperty } from '../credentials.ts'
import { Control } from '../fields.tsx'
import { flash } from '../flash.ts'
import { approvalPath, approvalRules, pendingRequest, ruleFor } from '../approvals.ts'
import { ReasonField, reasonHeader, ruleText } from '../approval-parts.tsx'
import { GROUP_SUMMARIES, grouped, labelOf } from '../groups.ts'
import { permission } from '../permissions.ts'
import { refusalFindings } from '../policy.ts'
import { PolicyField, PolicySummary, revealFirstViolation, usePolicyCheck } from '../policy-findings.tsx'
import { PRESETS } from '../presets.ts'
import { location, navigate } from '../router.ts'
import { useKeptEdit } from '../kept-edit.tsx'
import { DraftError, draftOf, fieldOfProblemPath, fieldsOf, loadClientInput, sameValue, valueOf, type Draft, type FieldSpec } from '../schema.ts'
import { identity, inEveryTeam, ownTeams, teamsMode, type Identity } from '../session.ts'
import { ErrorMessage, Link, Notice, OneTimeSecret, Show, useLoad } from '../ui.tsx'

interface Loaded { fields: FieldSpec[], client: Client | undefined, etag: string | undefined }

/** Create (no clientId) or edit a client; every writable property of ClientInput has a control. */
export function ClientEditor ({ clientId }: { clientId?: string }) {
  const who = identity.use()!
  const [loadedClient, setLoadedClient] = useState<Client>()
  const allowed = permission(who, clientId === undefined ? 'client.create' : 'client.edit', loadedClient)
  const [loaded, reload] = useLoad(clientId === undefined ? 'the form' : 'the client', async (): Promise<Loaded> => {
    const fields = fieldsOf(await loadClientInput())
    if (clientId === undefined) return { fields, client: undefined, etag: undefined }
    const { data, etag } = await get<Client>(`/api/clients/${clientId}`)
    setLoadedClient(data)
    return { fields, client: data, etag }
  }, [clientId])
  const title = clientId === undefined ? 'New client' : `Edit client ${clientId}`
  if (!allowed.allowed) {
    return <><h1>{title}</h1><p class='reason' role='status'>You cannot change clients. {allowed.reason}</p></>
  }
  return (
    <>
      <h1>{title}</h1>
      <Show loaded={loaded} what={clientId === undefined ? 'the form' : 'the client'}>
        {value => <EditorForm key={value.etag ?? 'new'} {...value} who={who} clientId={clientId} onReload={reload} />}
      </Show>
    </>
  )
}

interface Conflict { changed: Array<[string, unknown, unknown]> }

function EditorForm ({ fields: schemaFields, client, etag, who, clientId, onReload }: Loaded & { who: Identity, clientId: string | undefined, onReload: () => void }) {
  const original = useMemo<Record<string, unknown>>(() => client ?? {}, [client])
  const fields = useMemo(() => schemaFields.map(field => field.name === 'developer' ? teamField(who, field, original.developer) : field), [schemaFields, who, original])
  const locks = useMemo(() => lockedProperties(who, fields, clientId === undefined), [who, fields, clientId])
  // Create in teams mode: the caller's only team is the developer the server would choose anyway.
  const defaults: Record<string, unknown> = clientId === undefined && teamsMode(who) && !inEveryTeam(who) && ownTeams(who).length === 1 ? { developer: ownTeams(who)[0] } : {}
  const initial = () => Object.fromEntries(fields.map(field => [field.name, draftOf(field, original[field.name] ?? defaults[field.name])]))
  const [drafts, setDrafts] = useState<Record<string, Draft>>(initial)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [error, setError] = useState<string>()
  const [notice, setNotice] = useState<string>()
  const [busy, setBusy] = useState(false)
  const [conflict, setConflict] = useState<Conflict>()
  const [created, setCreated] = useState<{ client: Client, filled: string[] }>()
  const [preset, setPreset] = useState<string>()
  const [pristine] = useState(() => JSON.stringify(drafts))
  const keptEdit = useKeptEdit(location.get(), drafts, created === undefined && JSON.stringify(drafts) !== pristine, setDrafts)
  const [reason, setReason] = useState('')
  const [rules] = useLoad('the approval rules', approvalRules, [])
  const gated = clientId === undefined || rules.state !== 'done' ? undefined : ruleFor(rules.value, original.developer, 'client.update')

  useEffect(() => {
    if (Object.keys(errors).length > 0) document.querySelector<HTMLElement>('[aria-invalid="true"], .choices:has(.field-error) input')?.focus()
  }, [errors])

  // A preset fills only what the caller may send: on create an editor sends the type and authentication method, not the keys.
  const applyPreset = (id: string) => {
    setPreset(id)
    const values = PRESETS.find(candidate => candidate.id === id)!.values
    setDrafts(current => ({
      ...current,
      ...Object.fromEntries(fields.filter(field => (field.name in values || PRESET_PROPERTIES.includes(field.name)) && locks[field.name] === undefined)
        .map(field => [field.name, draftOf(field, values[field.name])]))
    }))
  }
  const presetLeavesOut = preset === undefined ? [] : Object.keys(PRESETS.find(candidate => candidate.id === preset)!.values).filter(name => locks[name] !== undefined)

  /** Values for the body: the whole client (create) or a merge patch of what changed (edit); the drafts that are no value, apart. */
  const bodyOf = (drafts: Record<string, Draft>) => {
    const found: Record<string, string> = {}
    const body: Record<string, unknown> = {}
    for (const field of fields) {
      if (locks[field.name] !== undefined) continue
      try {
        if (clientId === undefined) {
          const value = valueOf(field, drafts[field.name]!)
          if (value !== undefined && value !== null && value !== false) body[field.name] = value
        } else {
          const change = patchOf(field, drafts[field.name]!, original[field.name])
          if (change !== undefined) body[field.name] = change
        }
      } catch (problem) {
        if (!(problem instanceof DraftError)) throw problem
        found[field.name] = `${labelOf(field.name)} ${problem.message}.`
      }
    }
    return { body, found }
  }
  const collect = (): Record<string, unknown> | undefined => {
    const { body, found } = bodyOf(drafts)
    setErrors(found)
    return Object.keys(found).length === 0 ? body : undefined
  }
  // The policy's view of the draft as it is typed: what a save would meet (the drafts that are no value yet left out).
  const draftBody = useMemo(() => bodyOf(drafts).body, [drafts])
  const [policy, showPolicy] = usePolicyCheck(clientId === undefined ? { client: draftBody, mode: 'create' } : { client: draftBody, clientId, mode: 'patch' })

  const save = async (event: Event) => {
    event.preventDefault()
    setError(undefined)
    setNotice(undefined)
    const body = collect()
    if (body === undefined) {
      setError('Some fields need a correction; they are marked below.')
      return
    }
    if (clientId !== undefined && Object.keys(body).length === 0) {
      setNotice('Nothing changed, so nothing was sent.')
      return
    }
    setBusy(true)
    try {
      if (clientId === undefined) {
        const { data, headers } = await call<Client>('POST', '/api/clients', { body })
        setCreated({ client: data, filled: (headers.get('x-policy-filled') ?? '').split(',').map(name => name.trim()).filter(Boolean) })
      } else {
        const answer = await call('PATCH', `/api/clients/${clientId}`, { body, contentType: 'application/merge-patch+json', headers: { ...reasonHeader(reason), ...(etag === undefined ? {} : { 'if-match': etag }) } })
        const request = pendingRequest(answer)
        // A gated edit (202) is not saved: it waits for approval, and its request says so.
        flash.set(request === undefined ? `Saved: ${Object.keys(body).map(labelOf).join(', ')}.` : `Pending approval: nothing was saved yet; your change (${Object.keys(body).map(labelOf).join(', ')}) waits for another person's approval.`)
        navigate(request === undefined ? clientPath(clientId) : approvalPath(request.id))
      }
    } catch (failure) {
      await showFailure(failure)
    } finally {
      setBusy(false)
    }
  }

  const showFailure = async (failure: unknown) => {
    if (failure instanceof ApiError && failure.status === 412 && clientId !== undefined) {
      try {
        const { data: current } = await get<Client>(`/api/clients/${clientId}`)
        const names = [...new Set([...Object.keys(original), ...Object.keys(current)])].filter(name => name !== 'modifiedAt' && !sameValue(original[name], current[name]))
        setConflict({ changed: names.map(name => [name, original[name], current[name]]) })
      } catch (reading) {
        setError(explain('Someone else changed this client, and it could not be read again', reading))
      }
      return
    }
    const refused = failure instanceof ApiError ? refusalFindings(failure.problem as unknown as Record<string, unknown>) : undefined
    if (refused !== undefined) {
      showPolicy(refused)
      requestAnimationFrame(revealFirstViolation)
      setError(`${clientId === undefined ? 'Could not create the client' : 'Could not save the client'}: the security policy refused it (${refused.violations.length} violation${refused.violations.length === 1 ? '' : 's'}, each shown at its field with the fix).`)
      return
    }
    if (failure instanceof ApiError && failure.problem.errors !== undefined) setErrors(fieldErrors(failure.problem.errors, fields))
    setError(explain(clientId === undefined ? 'Could not create the client' : 'Could not save the client', failure))
  }

  if (created !== undefined) {
    return (
      <section aria-labelledby='created-title'>
        <h2 id='created-title'>Client created</h2>
        <CreatedClient client={created.client} filled={created.filled} />
        <div class='buttons'>
          <Link href={clientPath(created.client.clientId)} class='button primary'>Open the client</Link>
          <button type='button' onClick={() => { setCreated(undefined); setPreset(undefined); setDrafts(initial()) }}>Create another client</button>
        </div>
      </section>
    )
  }

  return (
    <form id='client-form' onSubmit={save} noValidate>
      {keptEdit}
      {clientId === undefined && (
        <fieldset class='presets'>
          <legend>Start from a preset</legend>
          {PRESETS.map(option => (
            <label key={option.id} class='preset'>
              <input type='radio' name='preset' value={option.id} checked={preset === option.id} onChange={() => { applyPreset(option.id) }} />
              <span><strong>{option.label}</strong> <small>{option.description}</small></span>
            </label>
          ))}
          {presetLeavesOut.length > 0 && (
            <p class='reason' role='status'>
              Left to an admin: {presetLeavesOut.map(labelOf).join(', ')}. Only admins set how a client authenticates;
              until then Authlete's defaults apply.
            </p>
          )}
        </fieldset>
      )}
      {conflict !== undefined && (
        <div class='message error conflict' role='alert'>
          <p><strong>Someone else changed this client after you opened it</strong>, so your changes were not saved (412 Precondition Failed).</p>
          {conflict.changed.length > 0 && (
            <>
              <p>Changed meanwhile:</p>
              <ul>{conflict.changed.map(([name, before, after]) => <li key={name}><strong>{labelOf(name)}</strong>: {show(before)} → {show(after)}</li>)}</ul>
            </>
          )}
          <button type='button' onClick={onReload}>Reload the client (your edits are discarded)</button>
        </div>
      )}
      <ErrorMessage text={error} />
      <Notice text={notice} />
      <PolicySummary state={policy} onForm={property => fields.some(field => field.name === property)} />
      {grouped(fields.map(field => field.name)).map(([title, names], index) => (
        <details key={title} class='section' open={index < OPEN_SECTIONS || names.some(name => errors[name] !== undefined || Object.keys(errors).some(key => key.startsWith(`${name}.`)) || policy.check?.violations.some(violation => violation.property === name))}>
          <summary>{title} <small>{GROUP_SUMMARIES[title]}</small></summary>
          <div class='fields'>
            {names.map(name => {
              const field = fields.find(candidate => candidate.name === name)!
              return <PolicyField key={name} check={policy.check} property={name}><Control field={field} draft={drafts[name]!} errors={errors} label={name === 'developer' ? developerLabel(who) : undefined} hint={name === 'developer' && clientId === undefined ? teamHint(who) : undefined} locked={locks[name]} onChange={draft => { setDrafts(current => ({ ...current, [name]: draft })) }} /></PolicyField>
            })}
          </div>
        </details>
      ))}
      {gated !== undefined && (
        <div class='panel'>
          <p class='approval-note'>Changing {gated.properties === undefined ? 'this client' : gated.properties.map(labelOf).join(', ')} asks for approval: {ruleText(gated, teamsMode(who) ? original.developer : undefined)}. Other changes are saved at once.</p>
          <ReasonField value={reason} onInput={setReason} />
        </div>
      )}
      <div class='buttons sticky'>
        <button type='submit' class='primary' disabled={busy}>{busy ? 'Saving…' : clientId === undefined ? 'Create the client' : 'Save changes'}</button>
        <Link class='button' href={clientId === undefined ? '/clients' : clientPath(clientId)}>Cancel</Link>
      </div>
    </form>
  )
}

// General, URIs, Grants and tokens: what most changes touch; Credentials and Advanced open on demand.
const OPEN_SECTIONS = 3

// What a preset sets or, when it leaves them out, clears.
const PRESET_PROPERTIES = ['grantTypes', 'responseTypes', 'tokenAuthMethod', 'clientType', 'applicationType', 'pkceRequired', 'pkceS256Required']

/**
 * The properties the caller may not change, each with the reason: the credential properties, below
 * admin; but on create an editor chooses the client's type and authentication method (the policy
 * judges the values), so that a preset makes what it says.
 */
function lockedProperties (who: Identity, fields: FieldSpec[], creating: boolean): Record<string, string> {
  const credentials = permission(who, 'client.credentials')
  if (credentials.allowed) return {}
  const chosen = creating && permission(who, 'client.create.type').allowed ? CHOSEN_ON_CREATE : []
  const reason = `Admins only: whoever sets how a client authenticates can act as the client. ${credentials.reason}`
  return Object.fromEntries(fields.filter(field => isCredentialProperty(field.name) && !chosen.includes(field.name)).map(field => [field.name, reason]))
}

const CHOSEN_ON_CREATE = ['clientType', 'tokenAuthMethod']

/** What was made: its ID and type, the secret once (a public client has none), the defaults the policy filled. */
function CreatedClient ({ client, filled }: { client: Client, filled: string[] }) {
  const secret = typeof client.clientSecret === 'string' && client.clientType === 'CONFIDENTIAL' ? client.clientSecret : undefined
  return (
    <>
      <p>The client <strong>{client.clientName ?? ''}</strong> has the ID <code id='created-id'>{String(client.clientId)}</code>.</p>
      <p>Client type: <strong id='created-type'>{client.clientType ?? 'not set'}</strong>
        {client.clientType === 'PUBLIC' && <>: it has no secret (token auth method {String(client.tokenAuthMethod ?? 'NONE')}).</>}
      </p>
      {filled.length > 0 && <p class='policy-filled' data-testid='policy-filled'>Filled by policy: {filled.map(labelOf).join(', ')}.</p>}
      {secret !== undefined && <OneTimeSecret label='Client secret' value={secret} />}
    </>
  )
}

/**
 * ACCESS_MODEL=teams: the developer is the client's team. A member of some teams picks one of them
 * (the current one kept); a member of every team types any.
 */
function teamField (who: Identity, field: FieldSpec, current: unknown): FieldSpec {
  if (!teamsMode(who) || inEveryTeam(who)) return field
  const teams = [...new Set([...ownTeams(who), ...(typeof current === 'string' && current !== '' ? [current] : [])])]
  return { ...field, kind: 'choice', options: teams, nullable: false }
}

/** A member of every team names the new client's team: the server cannot choose it for them. */
function teamHint (who: Identity): string | undefined {
  return teamsMode(who) && inEveryTeam(who) ? 'Required: the team the client belongs to (you are a member of every team, so name one).' : undefined
}

/** The merge patch entry of one property: its new value, null to remove it, undefined if unchanged. */
function patchOf (field: FieldSpec, draft: Draft, before: unknown): unknown {
  if (field.kind === 'object') {
    const inner: Record<string, unknown> = {}
    const previous = (before ?? {}) as Record<string, unknown>
    for (const child of field.children!) {
      const change = patchOf(child, (draft as Record<string, Draft>)[child.name]!, previous[child.name])
      if (change !== undefined) inner[child.name] = change
    }
    return Object.keys(inner).length === 0 ? undefined : inner
  }
  const value = valueOf(field, draft)
  if (sameValue(value, before)) return undefined
  return value === undefined ? null : value
}

function fieldErrors (problems: FieldProblem[], fields: FieldSpec[]): Record<string, string> {
  const messages = new Map<string, string[]>()
  for (const { path, message } of problems) {
    const key = fieldOfProblemPath(path, fields)
    if (key !== undefined) messages.set(key, [...messages.get(key) ?? [], message])
  }
  // A merge patch property is "the value or null": the schema's own message says what the value must
  // be, its "must be null" and "must match a schema in anyOf" only repeat that the union failed.
  const telling = (message: string) => !/^must be null$|anyOf/.test(message)
  return Object.fromEntries([...messages].map(([key, all]) => {
    const shown = all.some(telling) ? all.filter(telling) : all
    return [key, `${labelOf(key.split('.').pop()!)} ${[...new Set(shown)].join('; ')}.`]
  }))
}

function show (value: unknown): string {
  if (value === undefined || value === null) return '(not set)'
  return typeof value === 'string' ? value : JSON.stringify(value)
}
