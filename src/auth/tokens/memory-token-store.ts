import { samePrincipal } from '../identity.ts'
import { tokenOwner, type ApiTokenRecord, type TokenStore } from './token-store.ts'

/** Tokens of this process only, lost at restart: for tests and trials. */
export function createMemoryTokenStore (): TokenStore {
  const tokens = new Map<string, ApiTokenRecord>()
  const unexpired = (record: ApiTokenRecord | undefined): record is ApiTokenRecord => record !== undefined && record.expiresAt > Date.now()
  return {
    async create (record, maxPerOwner) {
      for (const [id, token] of tokens) if (!unexpired(token)) tokens.delete(id)
      const owner = tokenOwner(record)
      const held = [...tokens.values()].filter(token => samePrincipal(tokenOwner(token), owner)).length
      if (held >= maxPerOwner) return false
      tokens.set(record.id, copy(record))
      return true
    },
    async get (id) {
      const record = tokens.get(id)
      return unexpired(record) ? copy(record) : undefined
    },
    async listByUser (owner) {
      return [...tokens.values()].filter(record => unexpired(record) && samePrincipal(tokenOwner(record), owner)).map(copy)
    },
    async delete (id) {
      return tokens.delete(id)
    },
    async touch (id, record) {
      if (tokens.has(id)) tokens.set(id, copy(record))
    },
    async close () {
      tokens.clear()
    }
  }
}

function copy (record: ApiTokenRecord): ApiTokenRecord {
  return { ...record, roles: [...record.roles], ...(record.teams === undefined ? {} : { teams: [...record.teams] }) }
}
