import { ChangesTable } from '../changes.tsx'
import { changesBetween, versionState, type Change } from '../history.ts'
import { Link, Show, useLoad } from '../ui.tsx'

/** What an audit record needs to show its change: the version it made (GET /api/audit entries of client writes carry it). */
interface VersionedRecord { id: number, clientId: string | null, version?: number, versionClientId?: string }

/** The change an audited client write made: its version against the one before (the first version whole). */
export function RecordChange ({ record }: { record: VersionedRecord }) {
  const clientId = record.versionClientId ?? record.clientId
  const { version } = record
  if (typeof version !== 'number' || clientId === null) return null
  return <VersionChange clientId={clientId} version={version} recordId={record.id} />
}

function VersionChange ({ clientId, version, recordId }: { clientId: string, version: number, recordId: number }) {
  const [loaded] = useLoad(`version ${version} of client ${clientId}`, async () => version === 1 ? firstVersion(clientId) : await changesBetween(clientId, version - 1, version), [clientId, version])
  return (
    <section class='record-change' aria-label={`The change audit record ${recordId} made`}>
      <h3>Version {version} of client <Link href={`/clients/${clientId}?tab=history`}>{clientId}</Link></h3>
      <Show loaded={loaded} what='the change'>
        {changes => changes.length === 0
          ? <p class='empty'>No stored property changed (a secret change, say: the history never keeps a secret).</p>
          : <ChangesTable changes={changes} caption={version === 1 ? 'The client as first recorded' : `What changed from version ${version - 1}`} beforeLabel={version === 1 ? 'Before' : `Version ${version - 1}`} afterLabel={`Version ${version}`} />}
      </Show>
    </section>
  )
}

async function firstVersion (clientId: string): Promise<Change[]> {
  const { client } = await versionState(clientId, 1)
  return Object.entries(client).map(([property, after]) => ({ property, before: null, after }))
}
