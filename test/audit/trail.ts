import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import type { AuditRecord } from '../../src/audit/audit-types.ts'
import { verifyChain } from '../../src/audit/chain.ts'

/** Every record of the app's trail, newest first, read straight from its store. */
export async function allRecords (app: FastifyInstance): Promise<AuditRecord[]> {
  const records: AuditRecord[] = []
  let cursor: number | undefined
  for (;;) {
    const page = await app.auditTrail.query({ limit: 500, cursor })
    records.push(...page.records)
    if (page.nextCursor === null) return records
    cursor = page.nextCursor
  }
}

export async function verify (app: FastifyInstance) {
  return await verifyChain(app.auditTrail.entries())
}

/** The call's answer and the wall time it took, in milliseconds. */
export async function timed<T> (call: () => Promise<T>): Promise<{ answer: T, wallMs: number }> {
  const started = performance.now()
  const answer = await call()
  return { answer, wallMs: performance.now() - started }
}

/** A recorded duration is the call's own, in milliseconds: above 0, within the wall time measured around it. */
export function checkDuration (t: Test, durationMs: number, wallMs: number): void {
  t.ok(durationMs > 0 && durationMs <= wallMs, `${durationMs} ms, within the ${wallMs.toFixed(3)} ms the call took`)
}
