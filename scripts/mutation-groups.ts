// The critical modules, grouped with the test files that exercise them (fastest killers first:
// a test run stops at the first file that fails).
export const MUTATION_GROUPS: Record<string, { mutate: string[], tests: string[] }> = {
  chain: {
    mutate: ['src/audit/chain.ts'],
    tests: ['test/audit/tamper.test.ts', 'test/audit/retention-verify.test.ts', 'test/audit/audit-trail.test.ts', 'test/audit/audit-query.test.ts', 'test/teams/audit.test.ts']
  },
  trail: {
    mutate: ['src/audit/audit-trail.ts'],
    tests: ['test/audit/records.test.ts', 'test/audit/audit-trail.test.ts', 'test/audit/outcome.test.ts', 'test/audit/retention-verify.test.ts', 'test/audit/audit-log.test.ts', 'test/teams/audit.test.ts', 'test/security/request-targets.test.ts', 'test/teams/single-client.test.ts']
  },
  access: {
    mutate: ['src/auth/access.ts'],
    tests: ['test/auth/roles-now.test.ts', 'test/auth/csrf.test.ts', 'test/teams/membership-now.test.ts', 'test/auth/anonymous.test.ts', 'test/auth/roles.test.ts']
  },
  tokens: {
    mutate: ['src/auth/tokens/token-format.ts', 'src/auth/tokens/bearer-authenticator.ts'],
    tests: ['test/auth/tokens.test.ts', 'test/teams/membership-now.test.ts']
  },
  problem: {
    mutate: ['src/http/problem.ts', 'src/http/validation-messages.ts'],
    tests: ['test/http/problem.test.ts', 'test/http/validation-messages.test.ts', 'test/upstream/errors-status.test.ts', 'test/upstream/malformed-answers.test.ts', 'test/clients/validation.test.ts', 'test/security/request-bodies.test.ts', 'test/auth/oidc-logout.test.ts']
  },
  limits: {
    mutate: ['src/ops/rate-limits.ts'],
    tests: ['test/ops/rate-limits.test.ts']
  },
  scan: {
    mutate: ['src/upstream/operations.ts', 'src/upstream/json-scan.ts', 'src/upstream/json.ts'],
    tests: ['test/upstream/path-builder.test.ts', 'test/upstream/json-scan.test.ts', 'test/upstream/int64.test.ts', 'test/upstream/malformed-answers.test.ts']
  },
  client: {
    mutate: ['src/upstream/upstream-errors.ts', 'src/upstream/authlete-client.ts'],
    tests: ['test/upstream/upstream-errors.test.ts', 'test/upstream/authlete-client.test.ts', 'test/upstream/errors-status.test.ts', 'test/upstream/errors-transport.test.ts', 'test/upstream/resilience.test.ts', 'test/upstream/malformed-answers.test.ts', 'test/upstream/int64.test.ts']
  },
  history: {
    mutate: ['src/history/stored-state.ts', 'src/history/diff.ts'],
    tests: ['test/history/stored-state.test.ts', 'test/history/diff.test.ts']
  },
  policy: {
    mutate: ['src/policy/evaluate.ts', 'src/policy/rule.ts', 'src/policy/rules.ts', 'src/policy/baseline-rules.ts', 'src/policy/profile-rules.ts', 'src/policy/limit-rules.ts', 'src/policy/client-facts.ts', 'src/policy/redirect-uris.ts', 'src/policy/policy-types.ts', 'src/policy/policy-file.ts'],
    tests: ['test/policy/baseline-rules.test.ts', 'test/policy/profile-rules.test.ts', 'test/policy/limit-rules.test.ts', 'test/policy/evaluate.test.ts', 'test/policy/policy-file.test.ts', 'test/policy/policy-docs.test.ts']
  },
  approvals: {
    mutate: ['src/approvals/approval-rules.ts', 'src/approvals/change-request.ts', 'src/approvals/secret-box.ts'],
    tests: ['test/approvals/rules.test.ts']
  }
}
