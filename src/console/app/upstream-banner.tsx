import { useEffect } from 'preact/hooks'
import { get } from './api.ts'
import { signal } from './signal.ts'

/** GET /api/info: which upstream this proxy changes (never a credential). */
export interface ServerInfo {
  upstream: { mode: 'sandbox' | 'authlete', url: string, apiVersion: 'v3' | 'v2', serviceId: string | null }
  version: string
}

const info = signal<ServerInfo | undefined>(undefined)

/** The words of the banner: where every change on every page goes. */
export function upstreamSentence ({ upstream }: ServerInfo): string {
  if (upstream.mode === 'sandbox') return 'Sandbox: in-memory emulator, data lost at restart'
  const generation = upstream.apiVersion === 'v3' ? '3.0' : '2.x'
  return `Authlete ${new URL(upstream.url).host} · API ${generation}${upstream.serviceId === null ? '' : ` · service ${upstream.serviceId}`}`
}

/** Shown on every page once signed in: read once per sign-in (the upstream does not change while the server runs). */
export function UpstreamBanner () {
  const current = info.use()
  useEffect(() => {
    if (info.get() === undefined) get<ServerInfo>('/api/info').then(({ data }) => { info.set(data) }, () => {})
  }, [])
  if (current === undefined) return null
  return (
    <div class={`upstream-banner ${current.upstream.mode}`} role='note' aria-label='Upstream'>
      <strong>{upstreamSentence(current)}</strong> <small>authlete-bff {current.version}</small>
    </div>
  )
}
