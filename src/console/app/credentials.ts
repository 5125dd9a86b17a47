// How a client proves who it is at the token endpoint. Whoever sets these can act as the client, so the
// server takes them from admins only (src/clients/credential-properties.ts, CREDENTIAL_PROPERTIES; the
// browser test checks that an editor's form locks exactly those).
const CREDENTIAL_PROPERTIES = new Set(['clientType', 'tokenAuthMethod', 'tokenAuthSignAlg', 'jwks', 'jwksUri', 'selfSignedCertificateKeyId', 'registrationAccessTokenHash'])

export function isCredentialProperty (name: string): boolean {
  return CREDENTIAL_PROPERTIES.has(name) || name.startsWith('tlsClientAuth')
}
