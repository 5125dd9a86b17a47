import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { allRecords } from '../audit/trail.ts'

/** A policy file (JSON) in a fresh directory: its path, for POLICY_FILE. */
export async function policyFile (policy: unknown): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'bff-policy-')), 'policy.json')
  await writeFile(path, JSON.stringify(policy))
  return path
}

/** A confidential code client that meets the baseline. */
export const COMPLIANT = {
  clientName: 'Compliant',
  clientType: 'CONFIDENTIAL',
  grantTypes: ['AUTHORIZATION_CODE'],
  responseTypes: ['CODE'],
  redirectUris: ['https://app.acme.example/cb'],
  pkceRequired: true,
  pkceS256Required: true
}

/** The same for FAPI 2.0: PRIVATE_KEY_JWT, DPoP, PAR. */
export const FAPI_COMPLIANT = { ...COMPLIANT, tokenAuthMethod: 'PRIVATE_KEY_JWT', jwksUri: 'https://app.acme.example/jwks', dpopRequired: true, parRequired: true }

export const LIMITS = {
  redirectUriHosts: ['*.acme.example'],
  grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN', 'CLIENT_CREDENTIALS'],
  tokenAuthMethods: ['CLIENT_SECRET_BASIC', 'PRIVATE_KEY_JWT', 'NONE'],
  maxAccessTokenSeconds: 3600,
  maxRefreshTokenSeconds: 86400
}

/** A client within LIMITS, durations included. */
export const LIMITED = { ...COMPLIANT, grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'], extension: { accessTokenDuration: 3600, refreshTokenDuration: 86400 } }

export interface RuleCase {
  /** What the app runs with: a profile, a policy file, or HTTP redirect URIs allowed. */
  env: 'baseline' | 'http' | 'oauth2.1' | 'fapi2' | 'limits'
  /** The create body that breaks the rule, and the one just inside it. */
  refused: Record<string, unknown>
  accepted: Record<string, unknown>
}

// Each rule of the engine, at its boundary: the smallest change that breaks it, and its accepted twin.
export const RULE_CASES: Record<string, RuleCase> = {
  'no-implicit-grant': { env: 'baseline', refused: { ...COMPLIANT, grantTypes: ['AUTHORIZATION_CODE', 'IMPLICIT'] }, accepted: { ...COMPLIANT, grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'] } },
  'no-token-response-types': { env: 'baseline', refused: { ...COMPLIANT, responseTypes: ['CODE', 'CODE_TOKEN'] }, accepted: { ...COMPLIANT, responseTypes: ['CODE', 'CODE_ID_TOKEN'] } },
  'no-password-grant': { env: 'baseline', refused: { ...COMPLIANT, grantTypes: ['PASSWORD'] }, accepted: { ...COMPLIANT, grantTypes: ['CLIENT_CREDENTIALS'] } },
  'pkce-required': { env: 'baseline', refused: { ...COMPLIANT, pkceRequired: false }, accepted: COMPLIANT },
  'pkce-s256': { env: 'baseline', refused: { ...COMPLIANT, pkceS256Required: false }, accepted: COMPLIANT },
  'public-client-auth-none': { env: 'baseline', refused: { ...COMPLIANT, clientType: 'PUBLIC', tokenAuthMethod: 'CLIENT_SECRET_BASIC' }, accepted: { ...COMPLIANT, clientType: 'PUBLIC', tokenAuthMethod: 'NONE' } },
  'redirect-uri-exact': { env: 'baseline', refused: { ...COMPLIANT, redirectUris: ['https://app.acme.example/cb/*'] }, accepted: { ...COMPLIANT, redirectUris: ['https://app.acme.example/cb/x'] } },
  'redirect-uri-https': { env: 'http', refused: { ...COMPLIANT, redirectUris: ['http://app.acme.example/cb'] }, accepted: { ...COMPLIANT, redirectUris: ['http://127.0.0.1:8080/cb'] } },
  'public-refresh-token-sender-constrained': {
    env: 'oauth2.1',
    refused: { ...COMPLIANT, clientType: 'PUBLIC', tokenAuthMethod: 'NONE', grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'], dpopRequired: false },
    accepted: { ...COMPLIANT, clientType: 'PUBLIC', tokenAuthMethod: 'NONE', grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'], dpopRequired: true }
  },
  'confidential-client': { env: 'fapi2', refused: { ...FAPI_COMPLIANT, clientType: 'PUBLIC' }, accepted: FAPI_COMPLIANT },
  'client-auth-private-key-or-mtls': { env: 'fapi2', refused: { ...FAPI_COMPLIANT, tokenAuthMethod: 'CLIENT_SECRET_BASIC', jwksUri: undefined }, accepted: FAPI_COMPLIANT },
  'sender-constrained-tokens': { env: 'fapi2', refused: { ...FAPI_COMPLIANT, dpopRequired: false }, accepted: { ...FAPI_COMPLIANT, dpopRequired: false, tlsClientCertificateBoundAccessTokens: true } },
  'par-required': { env: 'fapi2', refused: { ...FAPI_COMPLIANT, parRequired: false }, accepted: FAPI_COMPLIANT },
  'response-type-code-only': { env: 'fapi2', refused: { ...FAPI_COMPLIANT, responseTypes: ['CODE', 'CODE_ID_TOKEN'] }, accepted: FAPI_COMPLIANT },
  'limit-redirect-uri-hosts': { env: 'limits', refused: { ...LIMITED, redirectUris: ['https://app.other.example/cb'] }, accepted: LIMITED },
  'limit-grant-types': { env: 'limits', refused: { ...LIMITED, grantTypes: ['AUTHORIZATION_CODE', 'DEVICE_CODE'] }, accepted: { ...LIMITED, grantTypes: ['AUTHORIZATION_CODE', 'CLIENT_CREDENTIALS'] } },
  'limit-token-auth-methods': { env: 'limits', refused: { ...LIMITED, tokenAuthMethod: 'CLIENT_SECRET_POST' }, accepted: { ...LIMITED, tokenAuthMethod: 'CLIENT_SECRET_BASIC' } },
  'limit-access-token-duration': { env: 'limits', refused: { ...LIMITED, extension: { accessTokenDuration: 3601, refreshTokenDuration: 86400 } }, accepted: LIMITED },
  'limit-refresh-token-duration': { env: 'limits', refused: { ...LIMITED, extension: { accessTokenDuration: 3600, refreshTokenDuration: 86401 } }, accepted: LIMITED }
}

export async function envFor (env: RuleCase['env']): Promise<Record<string, string>> {
  switch (env) {
    case 'baseline': return {}
    case 'http': return { ALLOW_HTTP_REDIRECT_URIS: 'true' }
    case 'limits': return { POLICY_FILE: await policyFile({ profile: 'baseline', rules: LIMITS }) }
    default: return { POLICY_PROFILE: env }
  }
}

export const MERGE_PATCH = { 'content-type': 'application/merge-patch+json' }
export const rulesOf = (violations: Array<{ rule: string }>): string[] => violations.map(violation => violation.rule)

/** The audit record of an answered call (its outcome is written before the answer is sent). */
export async function recordOf (app: FastifyInstance, response: { headers: Record<string, unknown> }): Promise<Record<string, any>> {
  return (await allRecords(app)).find(record => record.requestId === response.headers['x-request-id']) as unknown as Record<string, any>
}
