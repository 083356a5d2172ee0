// E-mail over SMTP with nodemailer. The Message-ID is chosen by us (from the outbox key), so a
// message re-sent after a crash carries the same id and mail clients and servers see one message.
import nodemailer from 'nodemailer'
import type { EmailContent } from './render.js'

export interface OutgoingEmail extends EmailContent {
  from: string
  to: { name: string; address: string }
  messageId: string
  headers: Record<string, string>
}

export interface EmailTransport {
  /** Resolves with the server's reply once it accepted the message; rejects with a DeliveryError otherwise. */
  send (message: OutgoingEmail): Promise<{ response: string }>
  close (): void
}

/** A failed delivery; `permanent` ones (SMTP 5xx) are not retried. */
export class DeliveryError extends Error {
  constructor (message: string, readonly permanent: boolean, readonly response: string | null = null) {
    super(message)
    this.name = 'DeliveryError'
  }
}

export function createSmtpTransport (smtpUrl: string, timeouts = { connectionMs: 30_000, socketMs: 60_000 }): EmailTransport {
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: timeouts.connectionMs,
    greetingTimeout: timeouts.connectionMs,
    socketTimeout: timeouts.socketMs,
  })
  return {
    async send (m) {
      try {
        const info = await transporter.sendMail({
          from: m.from,
          to: { name: m.to.name, address: m.to.address },
          subject: m.subject,
          text: m.text,
          messageId: m.messageId,
          headers: m.headers,
          attachments: m.attachments.map(a => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
        })
        return { response: String(info.response ?? '') }
      } catch (err) {
        const e = err as { message?: string; responseCode?: number; response?: string; permanent?: boolean }
        const permanent = e.permanent ?? (typeof e.responseCode === 'number' && e.responseCode >= 500)
        throw new DeliveryError(`SMTP: ${e.message ?? String(err)}`, permanent, e.response ?? null)
      }
    },
    close () { transporter.close() },
  }
}
