import { createHmac } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'

export type WebhookEvent = 'change-request.created' | 'change-request.decided' | 'change-request.applied'

export interface WebhookOptions {
  url: string
  secret: string
  /** Tries in all (the first and the retries). */
  attempts?: number
  /** The first retry's pause; each next one doubles it. */
  firstPauseMs?: number
  timeoutMs?: number
}

/**
 * `X-BFF-Signature: sha256=<hex>`: HMAC-SHA256 with APPROVAL_WEBHOOK_SECRET over `<timestamp>.<body>`,
 * the timestamp (Unix seconds) in `X-BFF-Timestamp`, so that a receiver can refuse a replayed event.
 */
export function signature (secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

export type Notify = (event: WebhookEvent, changeRequest: Record<string, unknown>) => void

/**
 * Sends each event in the background, never holding the request that caused it: tried `attempts`
 * times with a doubling pause, then dropped with a log line. The payload is the request's public view
 * (change-request.ts publicView): no stored write, no secret.
 */
export function createWebhook (options: WebhookOptions, log: FastifyBaseLogger): { notify: Notify, idle: () => Promise<void> } {
  const { url, secret, attempts = 5, firstPauseMs = 1000, timeoutMs = 5000 } = options
  const running = new Set<Promise<void>>()
  const deliver = async (event: WebhookEvent, body: string): Promise<void> => {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const timestamp = String(Math.floor(Date.now() / 1000))
      try {
        const answer = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-bff-event': event, 'x-bff-timestamp': timestamp, 'x-bff-signature': signature(secret, timestamp, body) },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs)
        })
        await answer.body?.cancel()
        if (answer.status >= 200 && answer.status < 300) return
        log.warn({ event, status: answer.status, attempt }, 'approval webhook refused the event')
      } catch (error) {
        log.warn({ event, attempt, err: new Error((error as Error).message) }, 'approval webhook unreachable')
      }
      if (attempt < attempts) await sleep(firstPauseMs * 2 ** (attempt - 1))
    }
    log.error({ event }, 'approval webhook: event dropped after its retries')
  }
  return {
    notify (event, changeRequest) {
      const body = JSON.stringify({ event, at: new Date(Date.now()).toISOString(), changeRequest })
      const delivery = deliver(event, body).finally(() => { running.delete(delivery) })
      running.add(delivery)
    },
    idle: async () => { await Promise.all(running) }
  }
}
