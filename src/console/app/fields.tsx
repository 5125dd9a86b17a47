import { useId } from 'preact/hooks'
import type { Draft, FieldSpec } from './schema.ts'
import { labelOf } from './groups.ts'

interface ControlProps {
  field: FieldSpec
  draft: Draft
  onChange: (draft: Draft) => void
  errors: Record<string, string>
  /** "extension." for a nested field. */
  prefix?: string
  /** The label, when the property's name is not the best one ("Team" for developer in teams mode). */
  label?: string
  /** Why the caller may not change this property: the control is disabled and says so. */
  locked?: string
  /** A hint of the page's own, instead of the one the schema gives. */
  hint?: string
}

/** One control for one schema property, labelled, with its hint and its error. */
export function Control ({ field, draft, onChange, errors, prefix = '', label = labelOf(field.name), locked, hint: ownHint }: ControlProps) {
  const id = useId()
  const key = `${prefix}${field.name}`
  const error = errors[key]
  // The property's own description (from the API's schema) and the rule of its control; a page's own hint replaces both.
  const help = ownHint ?? ([field.description, hintOf(field)].filter(Boolean).join(' ') || undefined)
  const described = [locked !== undefined ? `${id}-locked` : '', help !== undefined ? `${id}-hint` : '', error !== undefined ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
  const common = { id, name: key, disabled: locked !== undefined, 'aria-describedby': described, 'aria-invalid': error !== undefined ? true : undefined }
  const notes = (
    <>
      {locked !== undefined && <small id={`${id}-locked`} class='hint reason'>{locked}</small>}
      {help !== undefined && <small id={`${id}-hint`} class='hint'>{help}</small>}
      {error !== undefined && <small id={`${id}-error`} class='field-error'>{error}</small>}
    </>
  )

  switch (field.kind) {
    case 'boolean':
      return (
        <div class='field check'>
          <input type='checkbox' {...common} checked={draft === true} onChange={event => { onChange(event.currentTarget.checked) }} />
          <label for={id}>{label}</label>
          {notes}
        </div>
      )
    case 'choice':
      return (
        <div class='field'>
          <label for={id}>{label}</label>
          <select {...common} value={draft as string} onChange={event => { onChange(event.currentTarget.value) }}>
            <option value=''>(not set)</option>
            {field.options!.map(option => <option key={option} value={option}>{option}</option>)}
          </select>
          {notes}
        </div>
      )
    case 'choices':
      return (
        <fieldset class='field choices' aria-describedby={described} data-field={key}>
          <legend>{label}</legend>
          {field.options!.map(option => {
            const chosen = (draft as string[]).includes(option)
            return (
              <label key={option} class='choice'>
                <input type='checkbox' name={key} value={option} checked={chosen} disabled={locked !== undefined} onChange={() => { onChange(chosen ? (draft as string[]).filter(value => value !== option) : [...(draft as string[]), option]) }} />
                {option}
              </label>
            )
          })}
          {notes}
        </fieldset>
      )
    case 'object':
      return (
        <fieldset class='field nested' data-field={key}>
          <legend>{label}</legend>
          {field.children!.map(child => (
            <Control
              key={child.name} field={child} prefix={`${key}.`} errors={errors} locked={locked} draft={(draft as Record<string, Draft>)[child.name]!}
              onChange={value => { onChange({ ...(draft as Record<string, Draft>), [child.name]: value }) }}
            />
          ))}
          {error !== undefined && <small class='field-error'>{error}</small>}
        </fieldset>
      )
    case 'longtext': case 'lines': case 'pairs':
      return (
        <div class='field'>
          <label for={id}>{label}</label>
          <textarea {...common} rows={field.kind === 'longtext' ? 6 : 3} value={draft as string} onInput={event => { onChange(event.currentTarget.value) }} />
          {notes}
        </div>
      )
    default:
      return (
        <div class='field'>
          <label for={id}>{label}</label>
          <input {...common} type='text' inputMode={field.kind === 'integer' ? 'numeric' : undefined} value={draft as string} onInput={event => { onChange(event.currentTarget.value) }} />
          {notes}
        </div>
      )
  }
}

function hintOf (field: FieldSpec): string | undefined {
  if (field.kind === 'lines') return 'One per line.'
  if (field.kind === 'pairs') return `One ${field.pair![0]}=${field.pair![1]} per line.`
  if (field.kind === 'integer') return field.schema.minimum === 0 ? 'A whole number, 0 or more.' : 'A whole number.'
  if (field.schema.pattern === '^[A-Za-z0-9._~-]*$') return 'Letters, digits and . _ ~ - only.'
  if (field.kind === 'longtext') return 'JSON text.'
  return undefined
}
