import { useEffect, useRef, useState } from 'preact/hooks'
import { complianceOf, type Compliance } from './policy.ts'
import { ComplianceBadge } from './policy-findings.tsx'

/**
 * The list has no compliance of its own (Authlete's list knows nothing of the policy), so each row
 * asks GET /api/clients/:clientId/compliance once it scrolls into view, at most this many at once:
 * a page of 100 clients costs no request for the rows never seen, and never a burst of 100.
 */
const AT_ONCE = 4
let running = 0
const queue: Array<() => void> = []

async function inTurn<T> (task: () => Promise<T>): Promise<T> {
  if (running >= AT_ONCE) await new Promise<void>(resolve => { queue.push(resolve) })
  running++
  try {
    return await task()
  } finally {
    running--
    queue.shift()?.()
  }
}

type CellState = { state: 'waiting' } | { state: 'done', compliance: Compliance } | { state: 'error' }

/** A table cell with the client's compliance badge, fetched when the row is first seen. */
export function ComplianceCell ({ clientId, label }: { clientId: string, label: string }) {
  const cell = useRef<HTMLTableCellElement>(null)
  const [shown, setShown] = useState<CellState>({ state: 'waiting' })
  useEffect(() => {
    let current = true
    const observer = new IntersectionObserver(entries => {
      if (!entries.some(entry => entry.isIntersecting)) return
      observer.disconnect()
      inTurn(async () => current ? await complianceOf(clientId) : undefined).then(
        compliance => { if (current && compliance !== undefined) setShown({ state: 'done', compliance }) },
        () => { if (current) setShown({ state: 'error' }) }
      )
    })
    observer.observe(cell.current!)
    return () => { current = false; observer.disconnect() }
  }, [clientId])
  return (
    <td ref={cell} data-label={label} data-compliance={shown.state}>
      {shown.state === 'done' ? <ComplianceBadge compliance={shown.compliance} /> : shown.state === 'error' ? <span class='unset'>unknown</span> : <span class='unset'>…</span>}
    </td>
  )
}
