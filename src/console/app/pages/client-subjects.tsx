import { get, query } from '../api.ts'
import { clientPath, type Client } from '../clients.ts'
import { permission } from '../permissions.ts'
import { identity } from '../session.ts'
import { Link, Show, useLoad } from '../ui.tsx'

// The newest audit records read for suggestions: one page of the API's largest.
const AUDIT_PAGE = 500

interface Seen { name: string, subjects: string[] | undefined }

/**
 * The End users page opened from a client: Authlete has no list of a client's end users, so this
 * says so and offers the subjects the client's audit records name (admins only: the audit trail is
 * theirs; others are told where the suggestions would come from).
 */
export function ClientSubjects ({ clientId }: { clientId: string }) {
  const who = identity.use()!
  const audit = permission(who, 'audit.read')
  const [loaded] = useLoad('the subjects seen for this client', async (): Promise<Seen> => {
    const [client, records] = await Promise.all([
      get<Client>(`/api/clients/${encodeURIComponent(clientId)}`).then(({ data }) => data, () => undefined),
      audit.allowed ? get<{ records: Array<{ subject: string | null }> }>(`/api/audit${query({ clientId, limit: AUDIT_PAGE })}`) : undefined
    ])
    const subjects = records === undefined ? undefined : [...new Set(records.data.records.map(record => record.subject).filter((subject): subject is string => subject !== null && subject !== ''))]
    return { name: client?.clientName ?? `client ${clientId}`, subjects }
  }, [clientId, audit.allowed])
  return (
    <section class='panel' aria-labelledby='client-subjects-title'>
      <Show loaded={loaded} what='the subjects seen for this client'>
        {({ name, subjects }) => (
          <>
            <h2 id='client-subjects-title'>End users of <Link href={clientPath(clientId)}>{name}</Link></h2>
            <p>Authlete keeps no list of the end users who authorized a client, so look one up by subject{subjects !== undefined && subjects.length > 0 ? ', or pick one seen in this client\'s audit records' : ''}.</p>
            {subjects === undefined && <p class='reason'>Suggestions come from the audit trail, which only admins can read: {audit.allowed ? '' : audit.reason}</p>}
            {subjects !== undefined && subjects.length === 0 && <p class='empty'>No end user appears in this client's latest {AUDIT_PAGE} audit records.</p>}
            {subjects !== undefined && subjects.length > 0 && (
              <ul class='suggestions' aria-label={`Subjects seen in the audit records of ${name}`}>
                {subjects.map(subject => <li key={subject}><Link href={`/end-users${query({ clientId, subject })}`}>{subject}</Link></li>)}
              </ul>
            )}
          </>
        )}
      </Show>
    </section>
  )
}
