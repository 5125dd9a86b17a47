import { render } from 'preact'
import { useEffect } from 'preact/hooks'
import './styles.css'
import { call, get, setCsrfToken, whenAnswered, whenSessionEnds } from './api.ts'
import { identity, type Identity } from './session.ts'
import { location, navigate } from './router.ts'
import { signal } from './signal.ts'
import { Link, Loading } from './ui.tsx'
import { SignIn } from './pages/sign-in.tsx'
import { ClientsList } from './pages/clients-list.tsx'
import { ClientPage } from './pages/client-page.tsx'
import { ClientEditor } from './pages/client-editor.tsx'
import { EndUsers } from './pages/end-users.tsx'
import { Registration } from './pages/registration.tsx'
import { Audit } from './pages/audit.tsx'
import { Access } from './pages/access.tsx'
import { DeletedClients } from './pages/deleted-clients.tsx'
import { hasRole } from './session.ts'
import { UpstreamBanner } from './upstream-banner.tsx'
import { IdleWarning, lastAnswerAt } from './idle-warning.tsx'
import { keepEditInProgress } from './kept-edit.tsx'
import { Users, UserDetail } from './pages/users.tsx'
import { ApprovalRequest, Approvals } from './pages/approvals.tsx'
import { decidableCount, decidableRequests } from './approvals.ts'

interface SessionAnswer extends Identity { csrfToken?: string, idleTimeoutSeconds?: number }

/** Why the sign-in page shows: first visit, signed out, or a session that ended under the user. */
const signInReason = signal<'start' | 'signed-out' | 'ended'>('start')
/** Where to go after signing in: the page first asked for, or the one a session ended on. */
let returnTo = location.get()
const sso = signal(false)
/** SESSION_IDLE_TIMEOUT, as GET /auth/session says (cookie sessions only). */
const idleTimeout = signal<number | undefined>(undefined)

whenAnswered(() => { lastAnswerAt.set(Date.now()) })

whenSessionEnds(() => {
  if (identity.get() === null) return
  returnTo = location.get()
  keepEditInProgress()
  signInReason.set('ended')
  setCsrfToken(undefined)
  identity.set(null)
})

async function start (): Promise<void> {
  get<{ sso: boolean }>('/console-settings.json').then(({ data }) => { sso.set(data.sso) }, () => {})
  try {
    const { data } = await call<SessionAnswer>('GET', '/auth/session', { quietUnauthenticated: true })
    signIn(data)
  } catch {
    identity.set(null)
  }
}

export function signIn (answer: SessionAnswer): void {
  setCsrfToken(answer.csrfToken)
  idleTimeout.set(answer.idleTimeoutSeconds)
  identity.set({ username: answer.username, roles: answer.roles, teams: answer.teams, expiresAt: answer.expiresAt, source: answer.source })
  navigate(returnTo, { replace: true })
}

/** After the sign-in form: the login answer names neither the teams nor the expiry; the session does. */
async function signedIn (answer: SessionAnswer): Promise<void> {
  setCsrfToken(answer.csrfToken)
  try {
    const { data } = await call<SessionAnswer>('GET', '/auth/session', { quietUnauthenticated: true })
    signIn({ ...data, csrfToken: data.csrfToken ?? answer.csrfToken })
  } catch {
    signIn(answer)
  }
}

async function signOut (): Promise<void> {
  try {
    const { data } = await call<{ logoutUrl?: string } | undefined>('POST', '/auth/logout')
    if (data?.logoutUrl !== undefined) {
      window.location.assign(data.logoutUrl)
      return
    }
  } catch {}
  setCsrfToken(undefined)
  signInReason.set('signed-out')
  returnTo = '/'
  identity.set(null)
  navigate('/', { replace: true })
}

type Page = (props: { params: string[] }) => preact.JSX.Element

const ROUTES: Array<[RegExp, Page]> = [
  [/^\/(clients)?$/, ClientsList],
  [/^\/clients\/new$/, () => <ClientEditor />],
  [/^\/clients\/deleted$/, DeletedClients],
  [/^\/clients\/(\d+)$/, ({ params }) => <ClientPage clientId={params[0]!} />],
  [/^\/clients\/(\d+)\/edit$/, ({ params }) => <ClientEditor clientId={params[0]!} />],
  [/^\/end-users$/, EndUsers],
  [/^\/registration$/, Registration],
  [/^\/audit$/, Audit],
  [/^\/access$/, Access],
  [/^\/users$/, Users],
  [/^\/users\/([^/]+)$/, UserDetail],
  [/^\/approvals$/, Approvals],
  [/^\/approvals\/([0-9a-f-]{36})$/, ({ params }) => <ApprovalRequest id={params[0]!} />]
]

/** The header's badge: pending requests the caller may decide, counted again on each page shown. */
function useDecidableCount (who: Identity | null | undefined, path: string): number | undefined {
  useEffect(() => {
    if (who === null || who === undefined) return
    decidableRequests(who).catch(() => { decidableCount.set(undefined) })
  }, [who, path])
  return decidableCount.use()
}

function Console () {
  const who = identity.use()
  const path = location.use().split('?', 1)[0]!
  const reason = signInReason.use()
  const ssoOffered = sso.use()
  const idleSeconds = idleTimeout.use()
  const toDecide = useDecidableCount(who, path)
  useEffect(() => { document.getElementById('main')?.focus({ preventScroll: true }) }, [path])
  // The tab's title names the page (its heading), for history, tabs and screen readers.
  useEffect(() => { document.title = `${document.querySelector('main h1')?.textContent ?? 'Console'} · authlete-bff` })
  if (who === undefined) return <Loading what='the console' />
  if (who === null) return <SignIn reason={reason} returnTo={returnTo} sso={ssoOffered} onSignedIn={answer => { signedIn(answer).catch(() => {}) }} />
  const route = ROUTES.map(([pattern, page]) => [pattern.exec(path), page] as const).find(([match]) => match !== null)
  const Page = route?.[1]
  const nav: Array<[string, string]> = [['/clients', 'Clients'], ['/end-users', 'End users'], ['/registration', 'Registration']]
  if (hasRole(who, 'admin')) nav.push(['/audit', 'Audit'], ['/users', 'Users'])
  nav.push(['/approvals', 'Approvals'])
  nav.push(['/access', 'Access'])
  return (
    <>
      <a class='skip' href='#main'>Skip to the content</a>
      <header class='top'>
        <Link href='/' class='brand'>authlete-bff</Link>
        <nav aria-label='Sections'>
          <ul>
            {nav.map(([href, label]) => (
              <li key={href}>
                <Link href={href} aria-current={path === href || (href !== '/' && path.startsWith(`${href}/`)) || (href === '/clients' && path === '/') ? 'page' : undefined}>
                  {label}{href === '/approvals' && toDecide !== undefined && toDecide > 0 && <> <span class='badge count' id='approvals-badge'>{toDecide}<span class='visually-hidden'> waiting for your decision</span></span></>}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class='who'>
          <span id='username'>{who.username}</span> <small>({who.roles.join(', ')}{who.teams !== undefined && ` · ${who.teams.includes('*') ? 'every team' : who.teams.join(', ') || 'no team'}`})</small>
          <button type='button' id='sign-out' onClick={signOut}>Sign out</button>
        </div>
      </header>
      <UpstreamBanner />
      {idleSeconds !== undefined && <IdleWarning idleSeconds={idleSeconds} />}
      <main id='main' tabIndex={-1}>
        {Page === undefined
          ? <><h1>Page not found</h1><p>Nothing lives at {path}. <Link href='/clients'>Go to the clients</Link>.</p></>
          : <Page params={route![0]!.slice(1)} />}
      </main>
    </>
  )
}

const root = document.getElementById('root')!
root.textContent = ''
render(<Console />, root)
start().catch(() => { identity.set(null) })
