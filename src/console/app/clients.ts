import { get, query } from './api.ts'
import { teamsMode, type Identity } from './session.ts'

export type Client = Record<string, unknown> & { clientId: number | string, clientName?: string, clientIdAlias?: string, clientType?: string, developer?: string, locked?: boolean }
export interface ClientPage { clients: Client[], total: number, offset: number, limit: number }

export const listClients = async (params: { offset: number, limit: number, developer?: string }) => (await get<ClientPage>(`/api/clients${query(params)}`)).data

export const clientPath = (clientId: unknown) => `/clients/${encodeURIComponent(String(clientId))}`

// GET /api/clients/:clientId takes the numeric ID only: an alias is looked for page by page.
const ALIAS_SCAN_PAGES = 50

/** The numeric ID of a client given by ID or alias, or undefined. */
export async function resolveClient (identifier: string): Promise<string | undefined> {
  if (/^\d+$/.test(identifier)) return identifier
  for (let page = 0; page < ALIAS_SCAN_PAGES; page++) {
    const { clients, total } = await listClients({ offset: page * 100, limit: 100 })
    const match = clients.find(client => client.clientIdAlias === identifier)
    if (match !== undefined) return String(match.clientId)
    if ((page + 1) * 100 >= total) return undefined
  }
  return undefined
}

/** With ACCESS_MODEL=teams a client's developer is its team (docs/teams.md): the console says so. */
export const developerLabel = (who: Identity) => teamsMode(who) ? 'Team' : 'Developer'
