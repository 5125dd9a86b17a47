import type { Config } from '../config.ts'
import type { Policy } from '../policy/policy-types.ts'
import { approvalRules, parseApprovalsVariable } from './approval-rules.ts'
import { openChangeRequestStore } from './stores/change-request-store.ts'
import type { ApprovalsOptions } from './approvals-plugin.ts'

/** The plugin's options from the configuration: APPROVALS and the policy file's `approvals`, the store in the audit database. */
export async function approvalsOptions (config: Config, policy: Policy): Promise<ApprovalsOptions> {
  const webhook = config.APPROVAL_WEBHOOK_URL === undefined ? {} : { webhook: { url: config.APPROVAL_WEBHOOK_URL, secret: config.APPROVAL_WEBHOOK_SECRET! } }
  return {
    rules: approvalRules(parseApprovalsVariable(config.APPROVALS), policy),
    store: await openChangeRequestStore(config.AUDIT_STORE),
    ttlHours: config.APPROVAL_TTL_HOURS,
    serverSecret: config.SESSION_SECRET!,
    ...webhook
  }
}
