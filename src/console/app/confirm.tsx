import { useEffect, useId, useRef, useState } from 'preact/hooks'

export interface ConfirmRequest {
  /** A question naming the client or user: "Refresh the secret of Acme Portal?". */
  title: string
  /** The consequence, in one sentence. */
  consequence: string
  /** The dangerous button's label: "Refresh the secret". */
  action: string
  /** A name to type before the action is allowed (deleting a client). */
  typeToConfirm?: { label: string, value: string }
}

interface Pending { request: ConfirmRequest, run: () => Promise<unknown>, trigger: HTMLElement | null }

/**
 * Dangerous actions ask first: `ask(request, run)` opens a modal dialog naming the target and the
 * consequence, the safe choice (Cancel) focused; `run` only after the user confirms. The focus
 * returns to the control that asked, after a cancel and after the action (once it has finished, so
 * that a control disabled meanwhile gets it back); to the page when that control is gone.
 */
export function useConfirm (): [(request: ConfirmRequest, run: () => Promise<unknown>) => void, preact.JSX.Element | null] {
  const [pending, setPending] = useState<Pending>()
  const ask = (request: ConfirmRequest, run: () => Promise<unknown>) => {
    setPending({ request, run, trigger: document.activeElement instanceof HTMLElement ? document.activeElement : null })
  }
  const answer = async (confirmed: boolean) => {
    if (pending === undefined) return
    setPending(undefined)
    refocus(pending.trigger)
    if (!confirmed) return
    try {
      await pending.run()
    } finally {
      // After a re-render: the trigger may have been disabled while the action ran.
      setTimeout(() => { if (document.activeElement === document.body || document.activeElement === null) refocus(pending.trigger) }, 0)
    }
  }
  return [ask, pending === undefined ? null : <ConfirmDialog request={pending.request} onAnswer={confirmed => { answer(confirmed).catch(() => {}) }} />]
}

function refocus (trigger: HTMLElement | null): void {
  const target = trigger !== null && trigger.isConnected && !(trigger as HTMLButtonElement).disabled ? trigger : document.getElementById('main')
  target?.focus()
}

function ConfirmDialog ({ request, onAnswer }: { request: ConfirmRequest, onAnswer: (confirmed: boolean) => void }) {
  const id = useId()
  const dialog = useRef<HTMLDialogElement>(null)
  const cancel = useRef<HTMLButtonElement>(null)
  const [typed, setTyped] = useState('')
  useEffect(() => {
    dialog.current?.showModal()
    cancel.current?.focus()
    return () => { dialog.current?.close() }
  }, [])
  const allowed = request.typeToConfirm === undefined || typed === request.typeToConfirm.value
  // Closed first: while the modal dialog is open, nothing outside it can take the focus back.
  const finish = (confirmed: boolean) => {
    dialog.current?.close()
    onAnswer(confirmed)
  }
  return (
    // Escape fires "cancel": the same as the Cancel button.
    <dialog ref={dialog} class='confirm' role='alertdialog' aria-labelledby={`${id}-title`} aria-describedby={`${id}-consequence`} onCancel={event => { event.preventDefault(); finish(false) }}>
      <h2 id={`${id}-title`}>{request.title}</h2>
      <p id={`${id}-consequence`}>{request.consequence}</p>
      {request.typeToConfirm !== undefined && (
        <div class='field'>
          <label for={`${id}-typed`}>{request.typeToConfirm.label}</label>
          <input id={`${id}-typed`} name='confirmName' autoComplete='off' value={typed} onInput={event => { setTyped(event.currentTarget.value) }} />
        </div>
      )}
      <div class='buttons'>
        <button type='button' ref={cancel} onClick={() => { finish(false) }}>Cancel</button>
        <button type='button' class='danger primary' disabled={!allowed} onClick={() => { finish(true) }}>{request.action}</button>
      </div>
    </dialog>
  )
}
