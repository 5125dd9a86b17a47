import type { AnchorHTMLAttributes, ButtonHTMLAttributes, ComponentChildren } from 'preact'
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks'
import { explain, retryable } from './api.ts'
import { followLink } from './router.ts'
import type { Permission } from './permissions.ts'

export function Link ({ href, children, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  return <a href={href} onClick={followLink} {...rest}>{children}</a>
}

/** An error in a sentence; with onRetry, a Retry button beside it (for failures that can pass). */
export function ErrorMessage ({ text, onRetry }: { text: string | undefined, onRetry?: () => void }) {
  if (text === undefined) return null
  if (onRetry === undefined) return <p class='message error' role='alert'>{text}</p>
  return (
    <div class='message error retry' role='alert'>
      <p>{text}</p>
      {/* The message (and this button) goes while retrying: the focus waits on the page's content, not the document. */}
      <button type='button' onClick={() => { document.getElementById('main')?.focus(); onRetry() }}>Retry</button>
    </div>
  )
}

export function Notice ({ text }: { text: string | undefined }) {
  if (text === undefined) return null
  return <p class='message notice' role='status'>{text}</p>
}

export function Loading ({ what }: { what: string }) {
  return <p class='loading' role='status'>Loading {what}…</p>
}

export type Loaded<T> = { state: 'loading' } | { state: 'error', message: string, retry?: () => void } | { state: 'done', value: T }

/** Loads when the dependencies change; reload() loads again, showing the old value meanwhile. */
export function useLoad<T> (what: string, load: () => Promise<T>, deps: unknown[]): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' })
  const [round, setRound] = useState(0)
  const reloading = useRef(false)
  const again = useCallback(() => { setRound(round => round + 1) }, [])
  useEffect(() => {
    let current = true
    if (!reloading.current) setLoaded({ state: 'loading' })
    reloading.current = false
    load().then(
      value => { if (current) setLoaded({ state: 'done', value }) },
      error => { if (current) setLoaded({ state: 'error', message: explain(`Could not load ${what}`, error), retry: retryable(error) ? again : undefined }) }
    )
    return () => { current = false }
  }, [...deps, round])
  return [loaded, useCallback(() => { reloading.current = true; setRound(round => round + 1) }, [])]
}

/** Shows loading and error states; renders children with the value once loaded. */
export function Show<T> ({ loaded, what, children }: { loaded: Loaded<T>, what: string, children: (value: T) => ComponentChildren }) {
  if (loaded.state === 'loading') return <Loading what={what} />
  if (loaded.state === 'error') return <ErrorMessage text={loaded.message} onRetry={loaded.retry === undefined ? undefined : () => { loaded.retry!() }} />
  return <>{children(loaded.value)}</>
}

/**
 * A button for an action the caller may not be allowed to do: disabled, with the reason next to it
 * (and linked to it for screen readers), instead of a refusal after the click.
 */
export function ActionButton ({ permission, children, ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { permission: Permission }) {
  const id = useId()
  if (permission.allowed) return <button type='button' {...rest}>{children}</button>
  return (
    <span class='disabled-action'>
      <button type='button' {...rest} disabled aria-describedby={id}>{children}</button>
      <small id={id} class='reason'>{permission.reason}</small>
    </span>
  )
}

/** A secret shown once: hidden until revealed, with a copy button; never stored anywhere. */
export function OneTimeSecret ({ label, value }: { label: string, value: string }) {
  const [revealed, setRevealed] = useState(false)
  const [copied, setCopied] = useState<string>()
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value)
      setCopied('Copied to the clipboard.')
    } catch {
      setCopied('The browser refused the clipboard: reveal the value and copy it by hand.')
    }
  }
  return (
    <div class='secret' role='group' aria-label={label}>
      <p><strong>{label}</strong>: shown this once only. Copy it now; it cannot be shown again.</p>
      <code class='secret-value' data-testid='secret-value'>{revealed ? value : '•'.repeat(24)}</code>
      <div class='buttons'>
        <button type='button' onClick={() => { setRevealed(!revealed) }} aria-pressed={revealed}>{revealed ? 'Hide' : 'Reveal'}</button>
        <button type='button' onClick={copy}>Copy</button>
      </div>
      <Notice text={copied} />
    </div>
  )
}

interface TextFieldProps {
  label: string
  name: string
  value: string
  onInput: (value: string) => void
  hint?: string
  type?: 'text' | 'password' | 'datetime-local'
  required?: boolean
  autoComplete?: string
  inputMode?: 'numeric' | 'text'
}

export function TextField ({ label, value, onInput, hint, type = 'text', ...rest }: TextFieldProps) {
  const id = useId()
  return (
    <div class='field'>
      <label for={id}>{label}</label>
      <input id={id} type={type as 'text'} value={value} onInput={event => { onInput(event.currentTarget.value) }} aria-describedby={hint === undefined ? undefined : `${id}-hint`} {...rest} />
      {hint !== undefined && <small id={`${id}-hint`}>{hint}</small>}
    </div>
  )
}

export function Pager ({ offset, limit, total, onPage }: { offset: number, limit: number, total: number | undefined, onPage: (offset: number) => void }) {
  const last = total === undefined ? undefined : Math.min(offset + limit, total)
  return (
    <nav class='pager' aria-label='Pages'>
      <button type='button' disabled={offset === 0} onClick={() => { onPage(Math.max(0, offset - limit)) }}>Previous</button>
      <span role='status'>{total === undefined ? '' : total === 0 ? 'None' : `${offset + 1}–${last} of ${total}`}</span>
      <button type='button' disabled={total === undefined || offset + limit >= total} onClick={() => { onPage(offset + limit) }}>Next</button>
    </nav>
  )
}

export function formatTime (value: unknown): string {
  const date = typeof value === 'number' ? new Date(value) : typeof value === 'string' ? new Date(value) : undefined
  if (date === undefined || Number.isNaN(date.getTime())) return String(value ?? '')
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
}
