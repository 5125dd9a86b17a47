import type { FastifyInstance } from 'fastify'
import { SERVER_OWNED_PROPERTIES } from '../clients/client-schema.ts'
import { SEEDED_CLIENT_IDS } from '../sandbox/seed.ts'
import type { AuthleteClient } from '../upstream/authlete-api.ts'
import { storedState } from './stored-state.ts'
import { proxyRecord } from './proxy-records.ts'

// A few changes to the sandbox's portal client, made at the emulator and recorded as versions (with
// their audit records, so verify passes), so the History tab has something to show at first look. The
// last one puts the client back as seeded: the sandbox's clients stay as docs/emulator.md shows them.
const seedChanges = (original: AuthleteClient): Array<{ action: string, change: Record<string, unknown> }> => [
  { action: 'client.patch', change: { redirectUris: ['https://portal.acme.example/callback', 'https://staging.portal.acme.example/callback'] } },
  { action: 'client.patch', change: { contacts: ['oauth-admin@acme.example', 'web-team@acme.example'] } },
  { action: 'client.update', change: { redirectUris: original.redirectUris, contacts: original.contacts } }
]
const SEED_ACTOR = { actor: 'sandbox-seed', source: 'local', via: 'seed' }

/** Sandbox mode: seeds the portal client's history, unless the store already has one for it. */
export async function seedSandboxHistory (app: FastifyInstance): Promise<void> {
  const clientId = SEEDED_CLIENT_IDS.portal
  if (await app.auditTrail.history.latest(clientId) !== undefined) return
  const record = async (action: string, client: AuthleteClient): Promise<void> => {
    const [intent, outcome] = proxyRecord(action, clientId, {}, {
      clientId,
      state: storedState(client),
      modifiedAt: typeof client.modifiedAt === 'number' ? client.modifiedAt : null,
      action,
      ...SEED_ACTOR,
      external: action === 'client.external-change',
      restoredFrom: null
    }, SEED_ACTOR)
    await app.auditTrail.append(intent)
    await app.auditTrail.append(outcome)
  }
  const original = (await app.authlete.getClient([], clientId)).data
  await record('client.external-change', original)
  for (const { action, change } of seedChanges(original)) {
    const writable: AuthleteClient = { ...(await app.authlete.getClient([], clientId)).data }
    for (const name of SERVER_OWNED_PROPERTIES) delete writable[name]
    await app.authlete.updateClient([], clientId, { ...writable, ...change })
    await record(action, (await app.authlete.getClient([], clientId)).data)
  }
}
