import type { PolicyException, PolicyExceptionStore } from './exception-store.ts'

/** Sandbox mode and tests: the emulator's clients live in memory, their exceptions beside them. */
export function createMemoryExceptionStore (): PolicyExceptionStore {
  const held = new Map<string, PolicyException>()
  const keyOf = (clientId: string, rule: string): string => JSON.stringify([clientId, rule])
  const inForce = (exception: PolicyException | undefined, now: string): exception is PolicyException => exception !== undefined && exception.expiresAt > now
  return {
    async put (exception) { held.set(keyOf(exception.clientId, exception.rule), { ...exception }) },
    async active (clientId, now) {
      return [...held.values()].filter(exception => exception.clientId === clientId && inForce(exception, now)).sort((a, b) => a.rule.localeCompare(b.rule))
    },
    async remove (clientId, rule, now) {
      const key = keyOf(clientId, rule)
      const found = inForce(held.get(key), now)
      held.delete(key)
      return found
    },
    async close () {}
  }
}
