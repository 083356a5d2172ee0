// Webhooks: a POST of JSON, signed with HMAC-SHA256 under the subscription's secret over
// `${timestamp}.${body}` (the Stripe/Slack scheme), so a receiver can check both who sent it and that
// it is fresh. 2xx means delivered; anything else (or no answer in time) is retried with backoff.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { DeliveryError } from './mailer.js'
import { VERSION } from '../version.js'

export const SIGNATURE_HEADER = 'x-arshjul-signature'
export const TIMESTAMP_HEADER = 'x-arshjul-timestamp'
export const EVENT_HEADER = 'x-arshjul-event'
export const DELIVERY_HEADER = 'x-arshjul-delivery'

export function signWebhook (secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`
}

/** For receivers (and our tests): constant-time check, and a timestamp no older than `toleranceSeconds`. */
export function verifyWebhookSignature (secret: string, headers: { timestamp?: string; signature?: string }, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const ts = Number(headers.timestamp)
  if (!headers.signature || !Number.isInteger(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds) return false
  const expected = Buffer.from(signWebhook(secret, ts, body))
  const given = Buffer.from(headers.signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}

export interface WebhookRequest { url: string; secret: string; body: string; event: string; deliveryId: string }
export interface WebhookTransport { send (req: WebhookRequest): Promise<{ response: string }> }

export function createWebhookTransport (timeoutMs = 10_000): WebhookTransport {
  return {
    async send (req) {
      // Real time, not the dispatcher's (possibly --now) clock: receivers check freshness against their own clocks.
      const timestamp = Math.floor(Date.now() / 1000)
      let res: Response
      try {
        res = await fetch(req.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'user-agent': `Arshjul-Webhook/${VERSION}`,
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: signWebhook(req.secret, timestamp, req.body),
            [EVENT_HEADER]: req.event,
            [DELIVERY_HEADER]: req.deliveryId,
          },
          body: req.body,
          // A redirect is not a delivery: the receiver must answer 2xx itself.
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        })
      } catch (err) {
        const e = err as Error & { cause?: { code?: string; message?: string } }
        throw new DeliveryError(`webhook: ${e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : e.cause?.code ?? e.cause?.message ?? e.message}`, false)
      }
      const text = (await res.text().catch(() => '')).slice(0, 500)
      const response = `HTTP ${res.status}${text ? ` ${text}` : ''}`
      if (res.status < 200 || res.status > 299) throw new DeliveryError(`webhook: ${response}`, false, response)
      return { response }
    },
  }
}
