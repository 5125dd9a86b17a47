import { randomBytes } from 'node:crypto'
import { hashRegistrationToken } from './client-store.ts'
import type { ClientStore } from './client-store.ts'

export interface SeedResult {
  registrationAccessToken: string
  dynamicClientId: string
  clientIds: string[]
}

export const SEEDED_CLIENT_IDS = {
  portal: '26478243745571',
  mobile: '31415926535897',
  reports: '27182818284590',
  dynamic: '26837717140341'
} as const

const DAY = 24 * 60 * 60 * 1000

export function seedStore (store: ClientStore): SeedResult {
  const now = Date.now()
  // Older than the security policy: a code client without PKCE breaks the baseline (RFC 9700), so the
  // ratchet (its unrelated changes pass with warnings) and exceptions can be tried at once (docs/policy.md).
  store.create({
    clientName: 'Acme Customer Portal',
    description: 'Web portal where Acme customers manage their accounts.',
    developer: 'acme',
    clientIdAlias: 'portal',
    clientIdAliasEnabled: true,
    clientType: 'CONFIDENTIAL',
    applicationType: 'WEB',
    grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'],
    responseTypes: ['CODE'],
    redirectUris: ['https://portal.acme.example/callback'],
    tokenAuthMethod: 'CLIENT_SECRET_BASIC',
    clientUri: 'https://portal.acme.example/',
    contacts: ['oauth-admin@acme.example'],
    attributes: [{ key: 'tier', value: 'gold' }, { key: 'owner', value: 'web-team' }]
  }, { id: SEEDED_CLIENT_IDS.portal, createdAt: now - 90 * DAY })

  store.create({
    clientName: 'Acme Mobile',
    developer: 'acme',
    clientType: 'PUBLIC',
    applicationType: 'NATIVE',
    grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'],
    responseTypes: ['CODE'],
    redirectUris: ['com.acme.mobile:/oauth2redirect'],
    tokenAuthMethod: 'NONE',
    pkceRequired: true,
    pkceS256Required: true
  }, { id: SEEDED_CLIENT_IDS.mobile, createdAt: now - 60 * DAY })

  // The alias exists but is disabled: API 2.x does not resolve it as a clientIdentifier (3.0 does).
  store.create({
    clientName: 'Globex Reporting Service',
    developer: 'globex',
    clientIdAlias: 'globex-reports',
    clientIdAliasEnabled: false,
    clientType: 'CONFIDENTIAL',
    grantTypes: ['CLIENT_CREDENTIALS'],
    responseTypes: [],
    tokenAuthMethod: 'CLIENT_SECRET_POST',
    attributes: [{ key: 'department', value: 'finance' }]
  }, { id: SEEDED_CLIENT_IDS.reports, createdAt: now - 30 * DAY })

  // Authlete names the developer of a dynamically registered client after the service.
  const registrationAccessToken = randomBytes(32).toString('base64url')
  store.create({
    clientName: 'Initech Dynamic App',
    developer: `authlete_${store.serviceId}`,
    clientType: 'CONFIDENTIAL',
    grantTypes: ['AUTHORIZATION_CODE'],
    responseTypes: ['CODE'],
    redirectUris: ['https://app.initech.example/cb'],
    contacts: ['dev@initech.example'],
    tokenAuthMethod: 'CLIENT_SECRET_BASIC'
  }, {
    id: SEEDED_CLIENT_IDS.dynamic,
    createdAt: now - 7 * DAY,
    dynamicallyRegistered: true,
    registrationAccessTokenHash: hashRegistrationToken(registrationAccessToken)
  })

  store.authorize(SEEDED_CLIENT_IDS.portal, 'john', ['openid', 'profile'], now - 10 * DAY)
  store.authorize(SEEDED_CLIENT_IDS.mobile, 'john', ['openid', 'profile', 'offline_access'], now - 5 * DAY)
  store.authorize(SEEDED_CLIENT_IDS.portal, 'alice', ['openid', 'email'], now - 2 * DAY)

  return {
    registrationAccessToken,
    dynamicClientId: SEEDED_CLIENT_IDS.dynamic,
    clientIds: Object.values(SEEDED_CLIENT_IDS)
  }
}

/**
 * ACCESS_MODEL=teams: a third team besides acme and globex, so the sandbox shows a team user
 * seeing some teams' clients and not the others'. Answers the new clients' IDs.
 */
export function seedTeamClients (store: ClientStore): string[] {
  const now = Date.now()
  const billing = store.create({
    clientName: 'Initech Billing',
    developer: 'initech',
    clientIdAlias: 'initech-billing',
    clientIdAliasEnabled: true,
    clientType: 'CONFIDENTIAL',
    grantTypes: ['CLIENT_CREDENTIALS'],
    responseTypes: [],
    tokenAuthMethod: 'CLIENT_SECRET_BASIC'
  }, { createdAt: now - 20 * DAY })
  const intranet = store.create({
    clientName: 'Initech Intranet',
    developer: 'initech',
    clientType: 'CONFIDENTIAL',
    grantTypes: ['AUTHORIZATION_CODE'],
    responseTypes: ['CODE'],
    redirectUris: ['https://intranet.initech.example/cb'],
    tokenAuthMethod: 'CLIENT_SECRET_BASIC'
  }, { createdAt: now - 10 * DAY })
  return [billing.id, intranet.id]
}
