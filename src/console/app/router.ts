import type { TargetedMouseEvent } from 'preact'
import { signal } from './signal.ts'

/** The page's path and query, as the address bar shows it (never anything secret). */
export const location = signal(currentLocation())

function currentLocation (): string {
  return window.location.pathname + window.location.search
}

window.addEventListener('popstate', () => { location.set(currentLocation()) })

export function navigate (to: string, { replace = false } = {}): void {
  if (to === currentLocation()) return
  if (replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  location.set(currentLocation())
  window.scrollTo(0, 0)
}

/** Same-page navigation for plain left clicks on links; the others (new tab...) stay the browser's. */
export function followLink (event: TargetedMouseEvent<HTMLAnchorElement>): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
  const href = event.currentTarget.getAttribute('href')
  if (href === null || !href.startsWith('/')) return
  event.preventDefault()
  navigate(href)
}

export function searchParams (): URLSearchParams {
  return new URLSearchParams(location.get().split('?')[1] ?? '')
}
