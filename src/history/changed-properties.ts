import { diffStates } from './diff.ts'

/** The names of the properties that differ between two stored states (all of `after`'s for a first version). */
export function changedProperties (before: Record<string, unknown> | null, after: Record<string, unknown>): string[] {
  return diffStates(before ?? {}, after).map(change => change.property)
}
