// What the rules read from a client (a create body, a whole client as it will be sent, or Authlete's
// answer), with Authlete's defaults for what is not set (as the emulator applies them on create:
// src/sandbox/client-model.ts withDefaults).
export type Client = Record<string, unknown>

export const AUTHORIZATION_CODE = 'AUTHORIZATION_CODE'
export const REFRESH_TOKEN = 'REFRESH_TOKEN'

/** The strings of a list property; anything else (absent, null, not a list) reads as none. */
export function listOf (client: Client, property: string): string[] {
  const value = client[property]
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}

/** A property's value as a violation shows it: null when it is not set (JSON has no undefined). */
export const shown = (client: Client, property: string): unknown => client[property] ?? null

/** A value as a message reads it: 'not set' for null. */
export const spoken = (value: unknown): string => value === null ? 'not set' : String(value)

export const flagOn = (client: Client, property: string): boolean => client[property] === true

export const isPublic = (client: Client): boolean => client.clientType === 'PUBLIC'

/** Authlete's default: NONE for a PUBLIC client, CLIENT_SECRET_BASIC for a confidential one. */
export function tokenAuthMethodOf (client: Client): string {
  if (typeof client.tokenAuthMethod === 'string') return client.tokenAuthMethod
  return isPublic(client) ? 'NONE' : 'CLIENT_SECRET_BASIC'
}

export const usesCode = (client: Client): boolean => listOf(client, 'grantTypes').includes(AUTHORIZATION_CODE)

export const usesRefreshTokens = (client: Client): boolean => listOf(client, 'grantTypes').includes(REFRESH_TOKEN)

/** `extension.accessTokenDuration` or `extension.refreshTokenDuration`: 0 when not set, as Authlete reads it. */
export function durationOf (client: Client, name: 'accessTokenDuration' | 'refreshTokenDuration'): number {
  const extension = client.extension
  if (typeof extension !== 'object' || extension === null) return 0
  const value = (extension as Record<string, unknown>)[name]
  return typeof value === 'number' ? value : 0
}
