import { loadConfig } from '../src/config.ts'
import { verifyChain } from '../src/audit/chain.ts'
import { openAuditStore } from '../src/audit/stores/open-audit-store.ts'

// npm run audit:verify: walks the trail named by AUDIT_STORE (same variables as the server).
// Exit 0: intact; 1: altered or missing entries (the first is named); 2: the store cannot be read.
const config = loadConfig()
let store
try {
  store = await openAuditStore(config.AUDIT_STORE)
} catch (error) {
  process.stderr.write(`audit:verify: cannot open the audit store: ${(error as Error).message}\n`)
  process.exit(2)
}
const result = await verifyChain(store.entries())
await store.close()
process.stdout.write(`${JSON.stringify(result)}\n`)
process.stderr.write(result.ok ? `audit trail intact: ${result.checked} entries\n` : `audit trail BROKEN at entry ${result.firstProblem?.seq}: ${result.firstProblem?.problem}\n`)
process.exit(result.ok ? 0 : 1)
