import type { Command, CommandGroup } from './command.ts'

// Help texts only: the audit store and the chain load when a command runs.
const actions = () => import('./audit-actions.ts')
const STORE_HELP = '  -s, --store S  sqlite:<file> or postgres://... (default: $AUDIT_STORE or $AUDIT_STORE_FILE, as the server reads it)'

const verify: Command = {
  name: 'verify',
  summary: 'check the audit trail\'s hash chain',
  help: `Usage: authlete-bff audit verify [--store S]

Walks the whole trail and checks every entry's hash and its link to the one before. Prints
{"ok":true,"checked":N} and exits 0, or names the first altered, re-linked or missing entry
({"ok":false,"firstProblem":{...}}) and exits 1. A store that does not exist (or cannot be opened)
is exit 2: nothing is created.

Options:
${STORE_HELP}`,
  run: async args => await (await actions()).verifyTrail(args)
}

const exportCommand: Command = {
  name: 'export',
  summary: 'write every entry of the trail as NDJSON',
  help: `Usage: authlete-bff audit export [--store S] [--out FILE]

Writes every entry of the trail, oldest first, one JSON document per line: {seq, kind, requestId,
time, data, prevHash, hash}, the hash chain as stored (intents and outcomes are separate entries;
GET /api/audit joins them into records). For archiving or handing to another tool.

Options:
${STORE_HELP}
  -o, --out FILE  write to FILE instead of stdout (mode 0600); missing folders are created
                  (mode 0700) and named; a FILE that cannot be written is one line, exit 1`,
  run: async args => await (await actions()).exportTrail(args)
}

export const auditCommands: CommandGroup = {
  name: 'audit',
  summary: 'verify or export the audit trail (AUDIT_STORE)',
  help: `Usage: authlete-bff audit <command> [--store S]

Works on the trail the server writes, named by AUDIT_STORE as the server reads it, or --store.`,
  commands: [verify, exportCommand]
}
