// What the audit commands do (audit-commands.ts has their help); loaded only when one runs.
import { createWriteStream, existsSync } from 'node:fs'
import { once } from 'node:events'
import { resolve } from 'node:path'
import { loadConfig } from '../config.ts'
import { verifyAuditTrail } from '../history/verify-versions.ts'
import type { AuditStore } from '../audit/stores/audit-store.ts'
import { openAuditStore } from '../audit/stores/open-audit-store.ts'
import { EXIT_FAILED, parseOptions, UsageError } from './command.ts'

const STORE_OPTION = { store: { type: 'string', short: 's' } } as const

// An existing store only: opening a SQLite path that is not there would create an empty trail, and
// "intact, 0 entries" about a mistyped path is the wrong answer. PostgreSQL is trusted to exist.
async function openExistingStore (given: string | undefined): Promise<AuditStore> {
  const spec = given ?? loadConfig().AUDIT_STORE
  if (!/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(spec)) throw new UsageError('the store must be sqlite:<file> or postgres://...')
  if (spec.startsWith('sqlite:') && !existsSync(spec.slice('sqlite:'.length))) {
    throw new UsageError(`no audit trail at ${resolve(spec.slice('sqlite:'.length))} (check AUDIT_STORE or --store)`)
  }
  try {
    return await openAuditStore(spec)
  } catch (error) {
    throw new UsageError(`cannot open the audit store: ${(error as Error).message}`)
  }
}

export async function verifyTrail (args: string[]): Promise<number> {
  const { values } = parseOptions(args, STORE_OPTION)
  const store = await openExistingStore(values.store)
  try {
    const result = await verifyAuditTrail(store)
    process.stdout.write(`${JSON.stringify(result)}\n`)
    process.stderr.write(result.ok
      ? `audit trail intact: ${result.checked} entries, ${result.versions ?? 0} client versions\n`
      : `audit trail BROKEN at entry ${result.firstProblem?.seq}: ${result.firstProblem?.problem}\n`)
    return result.ok ? 0 : EXIT_FAILED
  } finally {
    await store.close()
  }
}

export async function exportTrail (args: string[]): Promise<number> {
  const { values } = parseOptions(args, { ...STORE_OPTION, out: { type: 'string', short: 'o' } })
  const store = await openExistingStore(values.store)
  const out = values.out === undefined ? process.stdout : createWriteStream(values.out, { mode: 0o600 })
  let count = 0
  try {
    for await (const entry of store.entries()) {
      if (!out.write(`${JSON.stringify(entry)}\n`)) await once(out, 'drain')
      count++
    }
  } finally {
    await store.close()
  }
  if (out !== process.stdout) {
    out.end()
    await once(out, 'finish')
    process.stderr.write(`exported ${count} entries to ${values.out}\n`)
  }
  return 0
}
