import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { explain } from './api.ts'
import { labelOf } from './groups.ts'
import { checkKey, checkPolicy, effectivePolicy, LatestCheck, propertiesRead, verdictOf, verdictText, type CheckRequest, type Compliance, type PolicyCheck, type Violation } from './policy.ts'

/** Long enough to let a word be typed, short enough to answer while the user looks at the field. */
const CHECK_PAUSE_MS = 400

export interface PolicyState { check: PolicyCheck | undefined, error: string | undefined }

/**
 * The policy's answer to the draft as it is now (POST /api/policy/check), as the user types; `show`
 * puts a save's own refusal in its place. `request` undefined: nothing to check yet.
 */
export function usePolicyCheck (request: CheckRequest | undefined): [PolicyState, (check: PolicyCheck) => void] {
  const [state, setState] = useState<PolicyState>({ check: undefined, error: undefined })
  const checker = useRef<LatestCheck<CheckRequest, PolicyCheck> | undefined>(undefined)
  checker.current ??= new LatestCheck(checkPolicy, answer => {
    if ('result' in answer) setState({ check: answer.result, error: undefined })
    else setState(current => ({ check: current.check, error: explain('Could not check the draft against the policy', answer.error) }))
  }, CHECK_PAUSE_MS)
  // Which properties the rules read: only a change to one of those is worth a request (null: not known yet).
  const [read, setRead] = useState<Set<string> | undefined | null>(null)
  useEffect(() => {
    effectivePolicy().then(answer => { setRead(propertiesRead(answer)) }, () => { setRead(undefined) })
    return () => { checker.current!.stop() }
  }, [])
  const key = request === undefined || read === null ? undefined : checkKey(request, read)
  useEffect(() => { if (request !== undefined && key !== undefined) checker.current!.ask(request) }, [key])
  const show = (check: PolicyCheck) => {
    checker.current!.supersede()
    setState({ check, error: undefined })
  }
  return [state, show]
}

/**
 * After a refusal: the first violation in view and its field focused (the refusal's alert sits above
 * the form, often scrolled away from the button the user pressed).
 */
export function revealFirstViolation (): void {
  const finding = document.querySelector<HTMLElement>('.policy-findings .finding.violation')
  if (finding === null) return
  finding.closest('.policy-field')?.querySelector<HTMLElement>('input:not(:disabled), textarea:not(:disabled), select:not(:disabled)')?.focus({ preventScroll: true })
  finding.scrollIntoView({ block: 'center' })
}

/** The findings that concern one property. */
export function findingsOf (check: PolicyCheck | undefined, property: string): { violations: Violation[], warnings: Violation[] } {
  return {
    violations: (check?.violations ?? []).filter(violation => violation.property === property),
    warnings: (check?.warnings ?? []).filter(violation => violation.property === property)
  }
}

/**
 * A form field with the policy's findings on its property right below it. Always the same wrapper,
 * findings or not: a control re-created when the first finding arrives would lose the focus mid-word.
 */
export function PolicyField ({ check, property, children }: { check: PolicyCheck | undefined, property: string, children: ComponentChildren }) {
  const { violations, warnings } = findingsOf(check, property)
  return (
    <div class='policy-field' data-policy-property={property}>
      {children}
      {violations.length + warnings.length > 0 && <FindingList violations={violations} warnings={warnings} />}
    </div>
  )
}

export function FindingList ({ violations, warnings = [], showProperty = false }: { violations: Violation[], warnings?: Violation[], showProperty?: boolean }) {
  return (
    <ul class='policy-findings'>
      {violations.map(violation => <Finding key={key(violation)} finding={violation} kind={violation.excepted === true ? 'excepted' : 'violation'} showProperty={showProperty} />)}
      {warnings.map(warning => <Finding key={key(warning)} finding={warning} kind='warning' showProperty={showProperty} />)}
    </ul>
  )
}

const KIND_LABEL = { violation: 'Violation', warning: 'Warning', excepted: 'Excepted' }

function Finding ({ finding, kind, showProperty }: { finding: Violation, kind: 'violation' | 'warning' | 'excepted', showProperty: boolean }) {
  return (
    <li class={`finding ${kind}`} data-rule={finding.rule}>
      <strong>{KIND_LABEL[kind]}</strong>{showProperty && <> · {labelOf(finding.property)}</>} · <code>{finding.rule}</code>
      <span class='finding-message'>{finding.message}</span>
      {kind !== 'excepted' && <span class='finding-fix'>Fix: {finding.fix}</span>}
    </li>
  )
}

const key = (finding: Violation) => `${finding.rule} ${finding.property} ${JSON.stringify(finding.value)}`

/**
 * Above the form: the count of what the policy found (announced as it changes), and the findings on
 * properties the form has no field for (`onForm` says which it has).
 */
export function PolicySummary ({ state, onForm }: { state: PolicyState, onForm: (property: string) => boolean }) {
  const { check, error } = state
  const violations = check?.violations ?? []
  const warnings = check?.warnings ?? []
  const elsewhere = (list: Violation[]) => list.filter(finding => !onForm(finding.property))
  return (
    <section class='policy-summary' aria-label='Security policy'>
      <p role='status' class={violations.length > 0 ? 'policy-line violations' : 'policy-line'}>
        {check === undefined ? '' : summaryLine(violations.length, warnings.length)}
      </p>
      {(check?.filled ?? []).length > 0 && <p class='reason'>Left out, so the policy fills them with secure values: {check!.filled.map(labelOf).join(', ')}.</p>}
      {error !== undefined && <p class='reason'>{error}</p>}
      {elsewhere(violations).length + elsewhere(warnings).length > 0 && <FindingList violations={elsewhere(violations)} warnings={elsewhere(warnings)} showProperty />}
    </section>
  )
}

function summaryLine (violations: number, warnings: number): string {
  if (violations + warnings === 0) return 'Security policy: no violation.'
  const parts = [
    violations > 0 ? `${plural(violations, 'violation')} (saving is refused until fixed)` : '',
    warnings > 0 ? `${plural(warnings, 'warning')} (the client already had them; saving is allowed)` : ''
  ].filter(Boolean)
  return `Security policy: ${parts.join(', ')}. Each is shown at its field with the fix.`
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`

export function ComplianceBadge ({ compliance }: { compliance: Compliance }) {
  const verdict = verdictOf(compliance)
  return <span class={`badge policy-${verdict.kind}`} data-testid='compliance-badge'>{verdictText(verdict)}</span>
}
