import type { ApiTokenRecord, TokenStore } from './token-store.ts'

/** Tokens of this process only, lost at restart: for tests and trials. */
export function createMemoryTokenStore (): TokenStore {
  const tokens = new Map<string, ApiTokenRecord>()
  const unexpired = (record: ApiTokenRecord | undefined): record is ApiTokenRecord => record !== undefined && record.expiresAt > Date.now()
  return {
    async create (record) {
      for (const [id, token] of tokens) if (!unexpired(token)) tokens.delete(id)
      tokens.set(record.id, copy(record))
    },
    async get (id) {
      const record = tokens.get(id)
      return unexpired(record) ? copy(record) : undefined
    },
    async listByUser (username) {
      return [...tokens.values()].filter(record => unexpired(record) && record.username === username).map(copy)
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
