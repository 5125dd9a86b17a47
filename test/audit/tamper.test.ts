import { createHash } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { openAuditStore } from '../../src/audit/stores/open-audit-store.ts'
import { checkScenarios, INTENT, sqliteTrail } from './tamper.ts'

t.test('audit trail tampering (SQLite file)', async t => {
  await checkScenarios(t, sqliteTrail)
})

// docs/audit.md documents the hash so that an auditor can check a trail without the proxy's code.
t.test('an entry\'s hash ...should be the documented SHA-256 of the previous hash and the entry\'s canonical JSON', async t => {
  const file = join(await mkdtemp(join(tmpdir(), 'bff-hash-')), 'audit.db')
  const store = await openAuditStore(`sqlite:${file}`)
  t.teardown(() => store.close())
  const first = await store.append({ kind: 'outcome', requestId: 'r1', time: '2026-11-01T10:00:00.000Z', data: { status: 200, outcome: 'success', resultCode: null, durationMs: 2 } })
  const second = await store.append({ kind: 'intent', requestId: 'r2', time: '2026-11-01T10:00:01.000Z', data: { ...INTENT, actor: 'zoë', userAgent: undefined, changedProperties: ['b', 'a'] } as never })
  const canonical = [
    '{"data":{"durationMs":2,"outcome":"success","resultCode":null,"status":200},"kind":"outcome","requestId":"r1","seq":1,"time":"2026-11-01T10:00:00.000Z"}',
    '{"data":{"action":"client.lock","actor":"zoë","changedProperties":["b","a"],"clientId":"portal","clientIp":"127.0.0.1","credential":null,"roles":["admin"],"route":"PUT /api/clients/:clientIdentifier/lock","subject":null,"via":"session"},"kind":"intent","requestId":"r2","seq":2,"time":"2026-11-01T10:00:01.000Z"}'
  ]
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
  t.equal(first.prevHash, '0'.repeat(64), 'the first entry links to 64 zeros')
  t.equal(first.hash, sha256(`${'0'.repeat(64)}\n${canonical[0]}`))
  t.equal(second.prevHash, first.hash)
  t.equal(second.hash, sha256(`${first.hash}\n${canonical[1]}`))
})
