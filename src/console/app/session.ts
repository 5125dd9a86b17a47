import { signal } from './signal.ts'
import type { Identity } from './caller.ts'

export * from './caller.ts'

/** The signed-in user: undefined while the session is read, null when signed out. */
export const identity = signal<Identity | null | undefined>(undefined)
