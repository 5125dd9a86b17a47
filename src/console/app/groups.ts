// How client properties are grouped on the client page and in the forms. Only names live here: the
// controls come from the schema, and any property not named here lands under "Other".

// Five sections, as Keycloak's and Authlete's consoles split a client: who it is, where it lives,
// how it gets tokens, how it proves who it is, and the rest.
export const GROUPS: Array<[string, string[]]> = [
  ['General', ['clientId', 'clientIdAlias', 'clientIdAliasEnabled', 'clientName', 'clientNames', 'description', 'descriptions', 'developer',
    'clientType', 'applicationType', 'locked', 'logoUri', 'logoUris', 'clientUri', 'clientUris', 'contacts', 'organizationName', 'tosUri', 'tosUris',
    'policyUri', 'policyUris', 'number', 'serviceNumber', 'createdAt', 'modifiedAt', 'dynamicallyRegistered']],
  ['URIs', ['redirectUris', 'loginUri', 'postLogoutRedirectUris', 'frontChannelLogoutUri', 'backChannelLogoutUri', 'requestUris', 'sectorIdentifierUri',
    'bcNotificationEndpoint', 'credentialOfferEndpoint']],
  ['Grants and tokens', ['grantTypes', 'responseTypes', 'responseModes', 'pkceRequired', 'pkceS256Required', 'parRequired', 'extension',
    'singleAccessTokenPerSubject', 'defaultMaxAge', 'defaultAcrs', 'authTimeRequired', 'subjectType', 'derivedSectorIdentifier', 'authorizationDetailsTypes',
    'idTokenSignAlg', 'idTokenEncryptionAlg', 'idTokenEncryptionEnc', 'userInfoSignAlg', 'userInfoEncryptionAlg', 'userInfoEncryptionEnc']],
  ['Credentials', ['clientSecret', 'tokenAuthMethod', 'tokenAuthSignAlg', 'jwksUri', 'jwks', 'signedJwksUri', 'selfSignedCertificateKeyId', 'tlsClientAuthSubjectDn',
    'tlsClientAuthSanDns', 'tlsClientAuthSanUri', 'tlsClientAuthSanIp', 'tlsClientAuthSanEmail', 'tlsClientCertificateBoundAccessTokens', 'dpopRequired',
    'registrationAccessTokenHash']],
  ['Advanced', ['requestObjectRequired', 'requestSignAlg', 'requestEncryptionAlg', 'requestEncryptionEnc', 'frontChannelRequestObjectEncryptionRequired',
    'requestObjectEncryptionAlgMatchRequired', 'requestObjectEncryptionEncMatchRequired', 'authorizationSignAlg', 'authorizationEncryptionAlg',
    'authorizationEncryptionEnc', 'bcDeliveryMode', 'bcRequestSignAlg', 'bcUserCodeRequired', 'frontChannelLogoutSessionRequired',
    'backChannelLogoutSessionRequired', 'fapiModes', 'digestAlgorithm', 'rsRequestSigned', 'rsSignedRequestKeyId', 'credentialResponseEncryptionRequired',
    'attributes', 'customMetadata', 'softwareId', 'softwareVersion', 'automaticallyRegistered', 'explicitlyRegistered', 'clientRegistrationTypes', 'entityId',
    'trustAnchorId', 'trustChain', 'trustChainExpiresAt', 'trustChainUpdatedAt']]
]

/** What each section holds, in one line, under its title in the forms. */
export const GROUP_SUMMARIES: Record<string, string> = {
  General: 'Name, owner, type and the pages end users see.',
  URIs: 'Where the authorization server sends end users back, and the client\'s other endpoints.',
  'Grants and tokens': 'How the client gets tokens: grant and response types, PKCE, lifetimes, ID token and UserInfo formats.',
  Credentials: 'How the client proves who it is: secret, keys, TLS certificate, token binding (admins only).',
  Advanced: 'Request objects, JARM, CIBA, FAPI, federation, and free attributes.',
  Other: 'Properties this console has no section for yet.'
}

/** Names grouped, in the groups' order; names no group lists come last, under "Other". */
export function grouped (names: string[]): Array<[string, string[]]> {
  const placed = new Set<string>()
  const groups: Array<[string, string[]]> = GROUPS.map(([title, members]) => {
    const present = members.filter(name => names.includes(name))
    for (const name of present) placed.add(name)
    return [title, present]
  })
  groups.push(['Other', names.filter(name => !placed.has(name))])
  return groups.filter(([, members]) => members.length > 0)
}

const ACRONYMS: Record<string, string> = {
  uri: 'URI',
  uris: 'URIs',
  id: 'ID',
  jwks: 'JWKS',
  pkce: 'PKCE',
  par: 'PAR',
  dpop: 'DPoP',
  tls: 'TLS',
  fapi: 'FAPI',
  bc: 'CIBA',
  acrs: 'ACRs',
  dn: 'DN',
  san: 'SAN',
  jwt: 'JWT',
  alg: 'algorithm',
  enc: 'encoding',
  rs: 'resource server',
  tos: 'terms of service',
  s256: 'S256'
}

/** "tokenAuthMethod" → "Token auth method", "parRequired" → "PAR required". */
export function labelOf (name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase().split(' ')
  const text = words.map(word => ACRONYMS[word] ?? word).join(' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}
