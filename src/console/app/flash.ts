import { signal } from './signal.ts'

/** A message for the next page ("Saved."), shown once there. */
export const flash = signal<string | undefined>(undefined)

export function takeFlash (): string | undefined {
  const message = flash.get()
  if (message !== undefined) flash.set(undefined)
  return message
}
