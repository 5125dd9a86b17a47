import { useEffect, useState } from 'preact/hooks'
import { ApiError, explain, get } from '../api.ts'
import { ChangesTable } from '../changes.tsx'
import type { Client } from '../clients.ts'
import { changesBetween, historyPage, restoreVersion, reversed, versionState, whoMade, type Change, type Version } from '../history.ts'
import { permission } from '../permissions.ts'
import { identity } from '../session.ts'
import { ActionButton, ErrorMessage, formatTime, Show, useLoad } from '../ui.tsx'

interface HistoryProps { client: Client, clientId: string, onRestored: (message: string) => void }

/** The History tab: the versions newest first, any two compared, and restore with a preview. */
export function ClientHistory ({ client, clientId, onRestored }: HistoryProps) {
  const who = identity.use()!
  const [versions, setVersions] = useState<Version[]>([])
  const [next, setNext] = useState<number | string | null>(null)
  const [loaded] = useLoad('the history', async () => {
    const page = await historyPage(clientId)
    setVersions(page.versions)
    setNext(page.next)
    return page
    // The client page reloads the client after any change (here or in its actions): the history follows.
  }, [clientId, String(client.modifiedAt)])
  const [olderError, setOlderError] = useState<string>()
  const [pair, setPair] = useState<{ from?: number, to?: number }>({})
  const [restoring, setRestoring] = useState<Version>()
  useEffect(() => { setPair({ from: versions[1]?.version, to: versions[0]?.version }) }, [versions[0]?.version])
  const older = async () => {
    if (next === null) return
    setOlderError(undefined)
    try {
      const page = await historyPage(clientId, next)
      setVersions([...versions, ...page.versions])
      setNext(page.next)
    } catch (failure) {
      setOlderError(explain('Could not load older versions', failure))
    }
  }
  const edit = permission(who, 'client.edit', client)
  const name = client.clientName ?? `Client ${clientId}`
  return (
    <Show loaded={loaded} what='the history'>
      {() => versions.length === 0
        ? <p class='empty'>No version recorded yet: the next change to this client records one.</p>
        : (
          <>
            <div class='table-wrap'>
              <table class='history'>
                <caption>Versions of {name}, newest first. Pick two to compare them.</caption>
                <thead><tr><th scope='col'>Version</th><th scope='col'>Time</th><th scope='col'>By</th><th scope='col'>Change</th><th scope='col'>Compare</th><th scope='col'>Restore</th></tr></thead>
                <tbody>
                  {versions.map(version => (
                    <tr key={version.version} data-version={String(version.version)} class={version.version === pair.from || version.version === pair.to ? 'picked' : undefined}>
                      <td data-label='Version'>{version.version}{version === versions[0] && <> <span class='badge'>latest</span></>}</td>
                      <td data-label='Time'>{formatTime(version.at)}</td>
                      <td data-label='By'>{version.external === true ? <span class='badge external'>{whoMade(version)}</span> : whoMade(version)}</td>
                      <td data-label='Change'>{changeText(version)}</td>
                      <td data-label='Compare'>
                        <span class='pick'>
                          <label><input type='radio' name='compare-from' checked={pair.from === version.version} onChange={() => { setPair({ ...pair, from: version.version }) }} /> from<span class='visually-hidden'> version {version.version}</span></label>
                          <label><input type='radio' name='compare-to' checked={pair.to === version.version} onChange={() => { setPair({ ...pair, to: version.version }) }} /> to<span class='visually-hidden'> version {version.version}</span></label>
                        </span>
                      </td>
                      <td data-label='Restore'>
                        <ActionButton permission={edit} onClick={() => { setRestoring(version) }} aria-expanded={restoring === version}>Restore…<span class='visually-hidden'> version {version.version}</span></ActionButton>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {next !== null && <div class='buttons'><button type='button' onClick={older}>Show older versions</button></div>}
            <ErrorMessage text={olderError} />
            {restoring !== undefined && (
              <RestorePanel
                key={restoring.version} name={name} clientId={clientId} version={restoring}
                onCancel={() => { setRestoring(undefined) }}
                onRestored={message => { setRestoring(undefined); onRestored(message) }}
              />
            )}
            {pair.from !== undefined && pair.to !== undefined && <Comparison clientId={clientId} from={pair.from} to={pair.to} />}
          </>
          )}
    </Show>
  )
}

function changeText (version: Version): string {
  const changed = Array.isArray(version.changed) && version.changed.length > 0 ? `: ${version.changed.join(', ')}` : ''
  const restored = typeof version.restoredFrom === 'number' ? ` (restored from version ${version.restoredFrom})` : ''
  return `${version.action}${restored}${changed}`
}

/** Two versions side by side, as stored, the changed properties highlighted (the server's diff). */
function Comparison ({ clientId, from, to }: { clientId: string, from: number, to: number }) {
  const [everything, setEverything] = useState(false)
  const [loaded] = useLoad('the comparison', async () => {
    if (from === to) return undefined
    const [changes, before, after] = await Promise.all([changesBetween(clientId, from, to), versionState(clientId, from), versionState(clientId, to)])
    return { changes, unchanged: unchangedProperties(changes, before.client, after.client) }
  }, [clientId, from, to])
  return (
    <section class='comparison' aria-labelledby='comparison-title'>
      <h2 id='comparison-title'>Version {from} and version {to}</h2>
      <Show loaded={loaded} what='the comparison'>
        {compared => compared === undefined
          ? <p class='empty'>Pick two different versions to compare.</p>
          : (
            <>
              <label class='choice'><input type='checkbox' checked={everything} onChange={event => { setEverything(event.currentTarget.checked) }} /> Show the unchanged properties too</label>
              {compared.changes.length === 0 && <p class='empty'>The two versions hold the same properties.</p>}
              {(compared.changes.length > 0 || everything) && (
                <ChangesTable
                  changes={compared.changes} unchanged={everything ? compared.unchanged : []}
                  caption={`${compared.changes.length} changed ${compared.changes.length === 1 ? 'property' : 'properties'} from version ${from} to version ${to}`}
                  beforeLabel={`Version ${from}`} afterLabel={`Version ${to}`}
                />
              )}
            </>
            )}
      </Show>
    </section>
  )
}

/** The properties no change touches (a change to `extension.x` touches `extension`), with their value. */
function unchangedProperties (changes: Change[], before: Record<string, unknown>, after: Record<string, unknown>): Array<[string, unknown]> {
  const touched = new Set(changes.map(change => change.property.split('.')[0]))
  return Object.keys({ ...before, ...after }).filter(name => !touched.has(name)).map(name => [name, after[name] ?? before[name]])
}

interface RestoreProps { name: string, clientId: string, version: Version, onCancel: () => void, onRestored: (message: string) => void }

/**
 * What restoring would change (the live client to the version), and a confirmation naming both. The
 * ETag is the one the preview was made from: if the client changes before the click, the server
 * answers 412 and the preview is made again.
 */
function RestorePanel ({ name, clientId, version, onCancel, onRestored }: RestoreProps) {
  const [round, setRound] = useState(0)
  const [error, setError] = useState<string>()
  const [stale, setStale] = useState(false)
  const [busy, setBusy] = useState(false)
  const [loaded] = useLoad('the restore preview', async () => {
    const live = await get<Client>(`/api/clients/${encodeURIComponent(clientId)}`)
    const changes = reversed(await changesBetween(clientId, version.version))
    return { etag: live.etag, changes }
  }, [clientId, version.version, round])
  const confirm = async (etag: string | undefined) => {
    setBusy(true)
    setError(undefined)
    try {
      const answer = await restoreVersion(clientId, version.version, etag)
      const now = typeof answer.version === 'number' ? ` It is saved as version ${answer.version}.` : ''
      onRestored(`Restored ${name} to version ${version.version}.${now}`)
    } catch (failure) {
      const changedMeanwhile = failure instanceof ApiError && failure.status === 412
      setStale(changedMeanwhile)
      setError(changedMeanwhile
        ? `${name} changed after this preview was made (someone saved it meanwhile): nothing was restored. Reload the preview to see what restoring does now.`
        : explain('Could not restore the version', failure))
    } finally {
      setBusy(false)
    }
  }
  const reload = () => { setStale(false); setError(undefined); setRound(round + 1) }
  return (
    <section class='panel restore' aria-labelledby='restore-title'>
      <h2 id='restore-title'>Restore version {version.version} of {name}?</h2>
      <p>Version {version.version} was saved {formatTime(version.at)} by {whoMade(version)}. Restoring saves it again as the client's newest version (client ID <code>{clientId}</code>, its secret unchanged); the history keeps every version.</p>
      <Show loaded={loaded} what='the restore preview'>
        {({ etag, changes }) => (
          <>
            {changes.length === 0
              ? <p class='empty'>The client is as version {version.version} has it: restoring would change nothing.</p>
              : <ChangesTable changes={changes} caption={`What restoring version ${version.version} changes`} beforeLabel='Now' afterLabel={`After restoring version ${version.version}`} />}
            <ErrorMessage text={error} />
            <div class='buttons'>
              {stale
                ? <button type='button' class='primary' onClick={reload}>Reload the preview</button>
                : <button type='button' class='primary' disabled={busy || changes.length === 0} onClick={() => { confirm(etag).catch(() => {}) }}>Restore {name} to version {version.version}</button>}
              <button type='button' onClick={onCancel}>Cancel</button>
            </div>
          </>
        )}
      </Show>
    </section>
  )
}
