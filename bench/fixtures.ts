// What the upstream stub answers: an Authlete 3.0 client shaped like the sandbox's seeded "portal"
// client (src/sandbox/seed.ts, as src/sandbox/client-model.ts writes it on the wire), with the URIs a
// real web client usually has, about 1.5 KB. Fixed values, so every run serves the same bytes.
export const SERVICE_ID = '715948317'
export const SERVICE_TOKEN = 'bench-service-access-token-2f6c0d9a'
export const CLIENT_ID = '26478243745571'

function client (number: number, clientId: string, name: string, alias: string): Record<string, unknown> {
  return {
    number,
    serviceNumber: 5301,
    clientName: name,
    clientId: Number(clientId),
    clientSecret: 'Rpkg7bqZK66IdOXAZn-YOkbwwEXvFgWw_ZAOjK9DeGhAaACcyF6uHGgAiCJGlEZz60Si_R3tSw9DKSaneem7AQ',
    clientIdAlias: alias,
    clientIdAliasEnabled: true,
    clientType: 'CONFIDENTIAL',
    developer: 'acme',
    applicationType: 'WEB',
    tokenAuthMethod: 'CLIENT_SECRET_BASIC',
    tlsClientCertificateBoundAccessTokens: false,
    parRequired: false,
    requestObjectRequired: false,
    defaultMaxAge: 0,
    idTokenSignAlg: 'RS256',
    authTimeRequired: false,
    subjectType: 'PUBLIC',
    bcUserCodeRequired: false,
    frontChannelRequestObjectEncryptionRequired: false,
    requestObjectEncryptionAlgMatchRequired: false,
    requestObjectEncryptionEncMatchRequired: false,
    description: 'Web portal where Acme customers manage their accounts.',
    grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'],
    responseTypes: ['CODE'],
    redirectUris: [`https://${alias}.acme.example/callback`, `https://${alias}.acme.example/silent-renew`],
    clientUri: `https://${alias}.acme.example/`,
    logoUri: `https://${alias}.acme.example/static/logo.png`,
    policyUri: `https://${alias}.acme.example/privacy`,
    tosUri: `https://${alias}.acme.example/terms`,
    jwksUri: `https://${alias}.acme.example/.well-known/jwks.json`,
    contacts: ['oauth-admin@acme.example'],
    defaultAcrs: ['urn:acme:acr:password'],
    pkceRequired: true,
    pkceS256Required: true,
    attributes: [{ key: 'tier', value: 'gold' }, { key: 'owner', value: 'web-team' }],
    dynamicallyRegistered: false,
    createdAt: 1787636616756,
    modifiedAt: 1787636616756,
    locked: false
  }
}

export const CLIENT_JSON = JSON.stringify(client(6164, CLIENT_ID, 'Acme Customer Portal', 'portal'))

export const LIST_JSON = JSON.stringify({
  start: 0,
  end: 5,
  totalCount: 5,
  clients: ['portal', 'billing', 'support', 'partners', 'insights'].map((alias, index) =>
    client(6164 + index, String(26478243745571 + index * 1000003), `Acme ${alias[0]!.toUpperCase()}${alias.slice(1)}`, alias))
})

/** A create body every policy profile accepts as it is (FAPI 2.0 included): the policy judges, fills nothing. */
export const COMPLIANT_CREATE = {
  clientName: 'Bench app',
  clientType: 'CONFIDENTIAL',
  tokenAuthMethod: 'PRIVATE_KEY_JWT',
  jwksUri: 'https://bench.acme.example/.well-known/jwks.json',
  grantTypes: ['AUTHORIZATION_CODE'],
  responseTypes: ['CODE'],
  redirectUris: ['https://bench.acme.example/callback'],
  pkceRequired: true,
  pkceS256Required: true,
  dpopRequired: true,
  parRequired: true
}
