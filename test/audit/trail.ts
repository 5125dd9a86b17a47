import type { FastifyInstance } from 'fastify'
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
