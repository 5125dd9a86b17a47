// The critical modules, grouped with the test files that exercise them (fastest killers first:
// a test run stops at the first file that fails). Groups with routes list the OpenAPI test after
// their unit files: it compares the committed document with the routes' schemas and texts, so it
// kills their mutants in seconds, where every app-level file would run in full and miss them.
export const MUTATION_GROUPS: Record<string, { mutate: string[], tests: string[] }> = {
  chain: {
    mutate: ['src/audit/chain.ts'],
    tests: ['test/audit/tamper.test.ts', 'test/audit/retention-verify.test.ts', 'test/audit/audit-trail.test.ts', 'test/audit/audit-query.test.ts', 'test/teams/audit.test.ts']
  },
  trail: {
    mutate: ['src/audit/audit-trail.ts'],
    tests: ['test/audit/records.test.ts', 'test/audit/audit-trail.test.ts', 'test/audit/outcome.test.ts', 'test/audit/retention-verify.test.ts', 'test/audit/audit-log.test.ts', 'test/teams/audit.test.ts', 'test/security/request-targets.test.ts', 'test/teams/single-client.test.ts', 'test/audit/audit-actions.test.ts', 'test/audit/caller-gone.test.ts', 'test/audit/audit-query.test.ts', 'test/policy/create.test.ts', 'test/approvals/teams.test.ts', 'test/audit/postgres-deadline.test.ts', 'test/teams/audit-scope.test.ts', 'test/approvals/lifecycle.test.ts']
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
    tests: ['test/ops/rate-limits.test.ts', 'test/ops/auth-write-budget.test.ts', 'test/policy/asking.test.ts']
  },
  scan: {
    mutate: ['src/upstream/operations.ts', 'src/upstream/json-scan.ts', 'src/upstream/json.ts'],
    tests: ['test/upstream/path-builder.test.ts', 'test/upstream/json-scan.test.ts', 'test/upstream/int64.test.ts', 'test/upstream/malformed-answers.test.ts']
  },
  client: {
    mutate: ['src/upstream/upstream-errors.ts', 'src/upstream/authlete-client.ts'],
    tests: ['test/upstream/upstream-errors.test.ts', 'test/upstream/authlete-client.test.ts', 'test/upstream/errors-status.test.ts', 'test/upstream/errors-transport.test.ts', 'test/upstream/resilience.test.ts', 'test/upstream/malformed-answers.test.ts', 'test/upstream/int64.test.ts', 'test/security/upstream-messages.test.ts']
  },
  history: {
    mutate: ['src/history/stored-state.ts', 'src/history/diff.ts'],
    tests: ['test/history/stored-state.test.ts', 'test/history/diff.test.ts']
  },
  versions: {
    mutate: ['src/history/verify-versions.ts', 'src/history/restorable.ts', 'src/history/external-changes.ts'],
    tests: ['test/history/restorable.test.ts', 'test/history/verify-versions.test.ts', 'test/history/external.test.ts', 'test/history/restore.test.ts', 'test/history/deleted.test.ts', 'test/history/versions.test.ts', 'test/history/tamper.test.ts']
  },
  policy: {
    mutate: ['src/policy/evaluate.ts', 'src/policy/rule.ts', 'src/policy/rules.ts', 'src/policy/baseline-rules.ts', 'src/policy/profile-rules.ts', 'src/policy/limit-rules.ts', 'src/policy/client-facts.ts', 'src/policy/redirect-uris.ts', 'src/policy/policy-types.ts', 'src/policy/policy-file.ts'],
    tests: ['test/policy/baseline-rules.test.ts', 'test/policy/profile-rules.test.ts', 'test/policy/limit-rules.test.ts', 'test/policy/redirect-uris.test.ts', 'test/policy/evaluate.test.ts', 'test/policy/policy-file.test.ts', 'test/policy/policy-docs.test.ts']
  },
  approvals: {
    mutate: ['src/approvals/approval-rules.ts', 'src/approvals/change-request.ts', 'src/approvals/secret-box.ts'],
    tests: ['test/approvals/rules.test.ts', 'test/approvals/policy-on-apply.test.ts', 'test/approvals/gated-actions.test.ts', 'test/approvals/teams.test.ts', 'test/approvals/webhook.test.ts', 'test/approvals/separation.test.ts', 'test/approvals/lifecycle.test.ts']
  },
  teams: {
    mutate: ['src/teams/membership.ts', 'src/teams/team-map.ts', 'src/teams/ownership.ts', 'src/teams/token-teams.ts', 'src/teams/filter-violations.ts', 'src/teams/user-admin.ts', 'src/teams/sandbox-users.ts'],
    tests: ['test/teams/membership.test.ts', 'test/teams/filter-violations.test.ts', 'test/teams/ownership.test.ts', 'test/teams/user-admin-unit.test.ts', 'test/teams/sandbox-users.test.ts', 'test/teams/membership-now.test.ts', 'test/teams/write.test.ts', 'test/teams/single-client.test.ts', 'test/teams/identities.test.ts', 'test/teams/team-names.test.ts', 'test/teams/user-admin.test.ts', 'test/teams/list-filter.test.ts', 'test/teams/audit-scope.test.ts']
  },
  lists: {
    mutate: ['src/teams/alias-cache.ts', 'src/teams/union-pager.ts'],
    tests: ['test/teams/alias-cache-unit.test.ts', 'test/teams/union-pager.test.ts', 'test/teams/alias-cache.test.ts', 'test/teams/list-filter.test.ts', 'test/teams/list.test.ts', 'test/clients/list.test.ts']
  },
  clients: {
    mutate: ['src/clients/credential-properties.ts', 'src/clients/round-trip.ts', 'src/clients/etag.ts', 'src/clients/merge-patch.ts', 'src/clients/current-client.ts', 'src/clients/client-change.ts', 'src/clients/registration-routes.ts'],
    tests: ['test/clients/merge-patch.test.ts', 'test/clients/etag.test.ts', 'test/clients/round-trip.test.ts', 'test/clients/credential-properties-unit.test.ts', 'test/clients/current-client.test.ts', 'test/clients/registration-routes.test.ts', 'test/clients/client-change.test.ts', 'test/openapi/openapi.test.ts', 'test/security/registration-takeover.test.ts', 'test/clients/credential-properties.test.ts', 'test/clients/put-round-trip.test.ts', 'test/clients/patch-etag.test.ts', 'test/clients/read-write.test.ts', 'test/clients/secret-lock.test.ts', 'test/clients/registration.test.ts']
  },
  logins: {
    mutate: ['src/auth/login-failures/login-failures.ts', 'src/auth/login-failures/device-cookies.ts', 'src/auth/login-failures/login-failure-store.ts', 'src/auth/login-failures/memory-login-failure-store.ts', 'src/auth/login-failures/redis-login-failure-store.ts'],
    tests: ['test/auth/device-cookies.test.ts', 'test/auth/memory-login-failure-store.test.ts', 'test/auth/login-failures-unit.test.ts', 'test/auth/memory-login-failure-store-limits.test.ts', 'test/auth/redis-login-failure-store.test.ts', 'test/openapi/openapi.test.ts', 'test/auth/login-failures-budget.test.ts', 'test/auth/login-device-cookies.test.ts', 'test/auth/login-failures.test.ts', 'test/auth/login-failures-readme.test.ts', 'test/teams/user-admin.test.ts']
  },
  'api-tokens': {
    mutate: ['src/auth/tokens/api-tokens.ts', 'src/auth/tokens/token-store.ts', 'src/auth/tokens/memory-token-store.ts', 'src/auth/tokens/sqlite-token-store.ts', 'src/auth/tokens/redis-token-store.ts', 'src/auth/tokens/token-routes.ts'],
    tests: ['test/auth/token-routes.test.ts', 'test/auth/token-store.test.ts', 'test/auth/memory-token-store.test.ts', 'test/auth/sqlite-token-store.test.ts', 'test/auth/redis-token-store.test.ts', 'test/openapi/openapi.test.ts', 'test/auth/external-token-lifetime.test.ts', 'test/auth/tokens.test.ts', 'test/auth/token-owners.test.ts', 'test/auth/tokens-redis.test.ts', 'test/teams/identities.test.ts', 'test/teams/user-admin.test.ts']
  },
  bodies: {
    mutate: ['src/http/json-body.ts', 'src/http/request-limits.ts', 'src/http/size-rules.ts', 'src/http/uri-formats.ts'],
    tests: ['test/http/uri-formats.test.ts', 'test/http/size-rules.test.ts', 'test/http/json-body.test.ts', 'test/http/request-limits.test.ts', 'test/security/request-bodies.test.ts', 'test/security/json-encoding.test.ts', 'test/security/request-targets.test.ts', 'test/security/validation-stall.test.ts', 'test/clients/validation.test.ts', 'test/clients/http.test.ts']
  },
  exchange: {
    mutate: ['src/upstream/resilience.ts', 'src/upstream/exchange.ts', 'src/upstream/redact.ts', 'src/upstream/rfc7591.ts'],
    tests: ['test/upstream/redact.test.ts', 'test/upstream/rfc7591.test.ts', 'test/upstream/resilience-unit.test.ts', 'test/upstream/exchange.test.ts', 'test/upstream/resilience.test.ts', 'test/upstream/circuit.test.ts', 'test/upstream/errors-transport.test.ts', 'test/upstream/deadline.test.ts', 'test/upstream/deadline-queued.test.ts', 'test/security/log-redaction.test.ts', 'test/security/upstream-messages.test.ts', 'test/clients/registration.test.ts']
  },
  lifecycle: {
    mutate: ['src/ops/shutdown.ts', 'src/ops/overload.ts', 'src/ops/health-routes.ts'],
    tests: ['test/ops/overload.test.ts', 'test/ops/health-routes.test.ts', 'test/ops/shutdown-unit.test.ts', 'test/openapi/openapi.test.ts', 'test/ops/health.test.ts', 'test/ops/gateway.test.ts', 'test/ops/log-pipe.test.ts', 'test/ops/drain.test.ts', 'test/ops/shutdown.test.ts']
  },
  stores: {
    mutate: ['src/audit/stores/group-commit.ts', 'src/audit/stores/sql.ts', 'src/audit/stores/sqlite-audit-store.ts', 'src/audit/stores/postgres-audit-store.ts', 'src/audit/stores/open-audit-store.ts'],
    tests: ['test/audit/sql.test.ts', 'test/audit/group-commit.test.ts', 'test/audit/sqlite-audit-store.test.ts', 'test/audit/tamper.test.ts', 'test/audit/postgres-store.test.ts', 'test/audit/sqlite-lock.test.ts', 'test/audit/crash.test.ts', 'test/audit/postgres-deadline.test.ts', 'test/audit/retention-verify.test.ts', 'test/audit/records.test.ts']
  },
  console: {
    mutate: ['src/console/app/permissions.ts', 'src/console/app/caller.ts'],
    tests: ['test/console/permissions.test.ts']
  },
  pipeline: {
    mutate: ['src/http/write-pipeline.ts'],
    tests: ['test/policy/pipeline.test.ts', 'test/policy/create.test.ts', 'test/approvals/lifecycle.test.ts', 'test/idempotency/replay.test.ts', 'test/teams/write.test.ts']
  }
}

// Why a source file is in no group, by path prefix (the first prefix that names a file gives its reason;
// the report lists each such file under it, and any file none names as not yet explained).
const WIRING = 'Wiring: registers routes, hooks and stores whose decisions live in grouped modules; a mutant here breaks whole features, which every integration test of the feature notices.'
const SCHEMAS = 'Declarations: TypeBox schemas, types and texts, checked by the validation and OpenAPI tests rather than by mutants (a mutated string or schema is caught there or is harmless wording).'
const IDENTITY = 'Decides who is signed in, not yet in a group: covered by the login, session, OIDC and gateway JWT attack tests (test/auth, 30 files); a group for them is the next to add.'
export const OUTSIDE_GROUPS: Record<string, string> = {
  'src/app.ts': WIRING,
  'src/server.ts': WIRING,
  'src/config.ts': 'Configuration: one TypeBox schema and its defaults, checked value by value in test/config; a mutant changes a default the config tests compare.',
  'src/approvals/stores/': 'Change-request stores (SQL text and rows): the same statements run on SQLite and PostgreSQL in test/approvals/postgres.test.ts; not yet in a group.',
  'src/approvals/': 'Approval routes and plugin: the decisions (rules, separation of duties, sealing) are in the approvals group\'s modules; these carry them over HTTP and are covered by test/approvals (9 files).',
  'src/audit/audit-types.ts': SCHEMAS,
  'src/audit/stores/audit-store.ts': SCHEMAS,
  'src/audit/': 'Audit routes and the log writer: they read and format what the grouped chain and trail keep; covered by test/audit.',
  'src/auth/': IDENTITY,
  'src/cli': 'Command line: argument parsing and output, run end to end by test/cli; it decides nothing the server does not check again.',
  'src/clients/client-descriptions.ts': SCHEMAS,
  'src/clients/client-schema.ts': SCHEMAS,
  'src/clients/route-schemas.ts': SCHEMAS,
  'src/clients/': 'Client routes: thin handlers over the grouped client modules, the pipeline and the upstream client; covered by test/clients (12 files).',
  'src/console/app/': 'Console pages and views: what the browser shows, checked by the browser tests (a real Chromium) and the console unit tests; only the permissions module decides what a role is offered, and it is grouped.',
  'src/console/': WIRING,
  'src/frontend/': 'Cross-origin and static pages for other frontends: covered by test/frontend; not yet in a group.',
  'src/history/changed-properties.ts': SCHEMAS,
  'src/history/history-types.ts': SCHEMAS,
  'src/history/': 'History routes, plugin and store rows: what is kept is decided by the grouped stored-state, diff and verify modules; the plugin\'s one transaction with the audit outcome is covered by test/history (13 files).',
  'src/http/': 'HTTP plumbing (headers, OpenAPI, server options, route hooks, the error catalogue): covered by the security, OpenAPI and contract tests; the problem writer, validation messages, body limits and the pipeline are grouped.',
  'src/idempotency/': 'Idempotency keys, stored answers and their stores: covered by test/idempotency (8 files, replicas and store faults among them); not yet in a group.',
  'src/ops/': 'Metrics, channels, Redis and SQL helpers, server info: they count and connect, and decide nothing about access or kept data; rate limits, shutdown, overload and health are grouped.',
  'src/policy/stores/': 'Policy-exception stores: the same statements run on memory, SQLite and PostgreSQL in test/policy/exception-stores.test.ts; not yet in a group.',
  'src/policy/': 'Policy routes, schemas and plugin: the judgement is in the grouped policy modules; these carry it over HTTP and into the write pipeline, covered by test/policy (20 files).',
  'src/sandbox/': 'The emulator (sandbox mode and the standalone emulator): a stand-in for Authlete, proven against Authlete\'s documents and SDK in test/sandbox; it guards no production data.',
  'src/search/': 'Client search: it finds what a caller may already list (the team filter is applied by the grouped teams modules); covered by test/search.',
  'src/teams/teams-plugin.ts': WIRING,
  'src/upstream/authlete-api.ts': 'One typed function per Authlete operation over the grouped operation table; covered by the contract test against Authlete\'s OpenAPI documents.',
  'src/upstream/authlete-plugin.ts': WIRING
}
