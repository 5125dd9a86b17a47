import type { ComponentChildren, TargetedKeyboardEvent } from 'preact'
import type { Client } from '../clients.ts'
import { location, navigate, searchParams } from '../router.ts'
import { ClientHistory } from './client-history.tsx'

const TABS = [['properties', 'Properties'], ['history', 'History']] as const
type Tab = typeof TABS[number][0]

interface ClientTabsProps { client: Client, clientId: string, onRestored: (message: string) => void, children: ComponentChildren }

/**
 * The client page's views as tabs (WAI-ARIA tabs: arrow keys move between them). The open tab is in
 * the address (?tab=history), so it can be linked to and survives a reload.
 */
export function ClientTabs ({ client, clientId, onRestored, children }: ClientTabsProps) {
  location.use()
  const open: Tab = searchParams().get('tab') === 'history' ? 'history' : 'properties'
  const show = (tab: Tab) => {
    navigate(`/clients/${clientId}${tab === 'properties' ? '' : `?tab=${tab}`}`, { replace: true })
    document.getElementById(`tab-${tab}`)?.focus()
  }
  const onKeyDown = (event: TargetedKeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return
    event.preventDefault()
    show(open === 'properties' ? 'history' : 'properties')
  }
  return (
    <>
      <div class='tabs' role='tablist' aria-label='Client views' onKeyDown={onKeyDown}>
        {TABS.map(([tab, label]) => (
          <button key={tab} type='button' role='tab' id={`tab-${tab}`} aria-selected={open === tab} aria-controls={`panel-${tab}`} tabIndex={open === tab ? 0 : -1} onClick={() => { show(tab) }}>{label}</button>
        ))}
      </div>
      <div role='tabpanel' id={`panel-${open}`} aria-labelledby={`tab-${open}`}>
        {open === 'history' ? <ClientHistory client={client} clientId={clientId} onRestored={onRestored} /> : children}
      </div>
    </>
  )
}
