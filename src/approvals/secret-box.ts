import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

export interface SecretBox {
  seal: (text: string) => string
  open: (sealed: string) => string
}

/**
 * AES-256-GCM with a key derived (HKDF-SHA256) from SESSION_SECRET: every replica derives the same key,
 * and the database alone (a dump, a backup) never holds what a stored write or a new secret says.
 */
export function createSecretBox (sessionSecret: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', sessionSecret, 'authlete-bff', 'change-request contents', 32))
  return {
    seal (text) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()])
      return [iv, cipher.getAuthTag(), body].map(part => part.toString('base64url')).join('.')
    },
    open (sealed) {
      const [iv, tag, body] = sealed.split('.').map(part => Buffer.from(part, 'base64url'))
      const decipher = createDecipheriv('aes-256-gcm', key, iv!)
      decipher.setAuthTag(tag!)
      return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8')
    }
  }
}
