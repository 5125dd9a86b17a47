// Create presets: the grant types, response types and authentication method each kind of app needs.
export const PRESETS: Array<{ id: string, label: string, description: string, values: Record<string, unknown> }> = [
  {
    id: 'web',
    label: 'Web app',
    description: 'A server-side app that keeps a secret: authorization code, refresh tokens, client_secret_basic.',
    values: { clientType: 'CONFIDENTIAL', applicationType: 'WEB', grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'], responseTypes: ['CODE'], tokenAuthMethod: 'CLIENT_SECRET_BASIC' }
  },
  {
    id: 'spa',
    label: 'Single-page app',
    description: 'Runs in the browser, no secret: authorization code with PKCE (S256), refresh tokens.',
    values: { clientType: 'PUBLIC', applicationType: 'WEB', grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'], responseTypes: ['CODE'], tokenAuthMethod: 'NONE', pkceRequired: true, pkceS256Required: true }
  },
  {
    id: 'native',
    label: 'Native app',
    description: 'A mobile or desktop app, no secret: authorization code with PKCE (S256), refresh tokens.',
    values: { clientType: 'PUBLIC', applicationType: 'NATIVE', grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'], responseTypes: ['CODE'], tokenAuthMethod: 'NONE', pkceRequired: true, pkceS256Required: true }
  },
  {
    id: 'm2m',
    label: 'Machine to machine',
    description: 'A service calling APIs on its own behalf: client credentials, client_secret_basic, no redirect.',
    values: { clientType: 'CONFIDENTIAL', grantTypes: ['CLIENT_CREDENTIALS'], tokenAuthMethod: 'CLIENT_SECRET_BASIC' }
  }
]
