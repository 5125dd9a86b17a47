// How client properties are grouped on the client page and in the forms. Only names live here: the
// controls come from the schema, and any property not named here lands under "Other".

export const GROUPS: Array<[string, string[]]> = [
  ['General', ['clientId', 'clientIdAlias', 'clientIdAliasEnabled', 'clientName', 'clientNames', 'description', 'descriptions', 'developer',
    'clientType', 'applicationType', 'locked', 'logoUri', 'logoUris', 'clientUri', 'clientUris', 'contacts', 'organizationName', 'tosUri', 'tosUris',
    'policyUri', 'policyUris', 'loginUri', 'number', 'serviceNumber', 'createdAt', 'modifiedAt', 'dynamicallyRegistered']],
  ['Redirect URIs, grant and response types', ['redirectUris', 'grantTypes', 'responseTypes', 'responseModes', 'pkceRequired', 'pkceS256Required',
    'parRequired', 'defaultMaxAge', 'defaultAcrs', 'authTimeRequired', 'subjectType', 'sectorIdentifierUri', 'derivedSectorIdentifier']],
  ['Authentication', ['clientSecret', 'tokenAuthMethod', 'tokenAuthSignAlg', 'jwksUri', 'jwks', 'signedJwksUri', 'selfSignedCertificateKeyId', 'tlsClientAuthSubjectDn',
    'tlsClientAuthSanDns', 'tlsClientAuthSanUri', 'tlsClientAuthSanIp', 'tlsClientAuthSanEmail', 'tlsClientCertificateBoundAccessTokens', 'dpopRequired']],
  ['Tokens and extension', ['extension', 'idTokenSignAlg', 'idTokenEncryptionAlg', 'idTokenEncryptionEnc', 'userInfoSignAlg', 'userInfoEncryptionAlg',
    'userInfoEncryptionEnc', 'singleAccessTokenPerSubject', 'authorizationDetailsTypes', 'fapiModes', 'digestAlgorithm', 'rsRequestSigned',
    'rsSignedRequestKeyId', 'credentialOfferEndpoint', 'credentialResponseEncryptionRequired']],
  ['Request objects and JARM', ['requestObjectRequired', 'requestSignAlg', 'requestEncryptionAlg', 'requestEncryptionEnc', 'requestUris',
    'frontChannelRequestObjectEncryptionRequired', 'requestObjectEncryptionAlgMatchRequired', 'requestObjectEncryptionEncMatchRequired',
    'authorizationSignAlg', 'authorizationEncryptionAlg', 'authorizationEncryptionEnc']],
  ['CIBA and logout', ['bcDeliveryMode', 'bcNotificationEndpoint', 'bcRequestSignAlg', 'bcUserCodeRequired', 'frontChannelLogoutUri',
    'frontChannelLogoutSessionRequired', 'backChannelLogoutUri', 'backChannelLogoutSessionRequired', 'postLogoutRedirectUris']],
  ['Attributes and custom metadata', ['attributes', 'customMetadata']],
  ['Registration and federation', ['softwareId', 'softwareVersion', 'registrationAccessTokenHash', 'automaticallyRegistered', 'explicitlyRegistered',
    'clientRegistrationTypes', 'entityId', 'trustAnchorId', 'trustChain', 'trustChainExpiresAt', 'trustChainUpdatedAt']]
]

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
  rs: 'resource server'
}

/** "tokenAuthMethod" → "Token auth method", "parRequired" → "PAR required". */
export function labelOf (name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase().split(' ')
  const text = words.map(word => ACRONYMS[word] ?? word).join(' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}
