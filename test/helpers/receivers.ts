// Real receivers on loopback for the reminder tests: an SMTP server (smtp-server) whose messages are
// parsed with mailparser, and an HTTP server that records webhook deliveries.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { simpleParser, type ParsedMail } from 'mailparser'

export interface ReceivedMail { from: string; to: string[]; raw: string; parsed: ParsedMail }

export interface SmtpReceiver {
  url: string
  messages: ReceivedMail[]
  /** Resolves once `n` messages have arrived in total. */
  waitFor (n: number): Promise<ReceivedMail[]>
  /** From now on, keep the reply to DATA until release(): the client has sent everything but hears nothing. */
  hold (): void
  release (): void
  /**
   * Resolves once the client that sent message `n` (1-based) has closed its connection after it was
   * answered 250: proof that the client heard the acceptance, since nodemailer hangs up only once
   * DATA is answered (or on an error or timeout). A connection closed before the 250 never counts.
   */
  hungUpAfterAcceptance (n: number): Promise<void>
  close (): Promise<void>
}

export async function startSmtpReceiver (): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = []
  const waiters: Array<{ n: number; resolve: (m: ReceivedMail[]) => void }> = []
  let holding = false
  const held: Array<() => void> = []
  // Per message (same index as `messages`): its connection, whether it was answered 250, and whether
  // the client then hung up.
  const sessions: string[] = []
  const accepted = new Set<string>()
  const hungUp = new Set<string>()
  const hangUpWaiters: Array<{ n: number; resolve: () => void }> = []
  const notifyHangUps = () => {
    for (const w of [...hangUpWaiters]) {
      const session = sessions[w.n - 1]
      if (session !== undefined && hungUp.has(session)) {
        hangUpWaiters.splice(hangUpWaiters.indexOf(w), 1)
        w.resolve()
      }
    }
  }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // No network here: a reverse DNS lookup of 127.0.0.1 would hold every greeting for 1.5 s.
    disableReverseLookup: true,
    onData (stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        simpleParser(raw).then(parsed => {
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map(r => r.address),
            raw,
            parsed,
          })
          sessions.push(session.id)
          for (const w of [...waiters]) {
            if (messages.length >= w.n) {
              waiters.splice(waiters.indexOf(w), 1)
              w.resolve(messages.slice())
            }
          }
          // The 250 is written by callback(); a client that already hung up never hears it.
          const accept = () => {
            accepted.add(session.id)
            callback()
          }
          if (holding) held.push(accept)
          else accept()
        }, err => callback(err as Error))
      })
    },
    onClose (session) {
      if (!accepted.has(session.id)) return
      hungUp.add(session.id)
      notifyHangUps()
    },
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  const receiver: SmtpReceiver = {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor (n) {
      if (messages.length >= n) return Promise.resolve(messages.slice())
      return new Promise(resolve => waiters.push({ n, resolve }))
    },
    hold () { holding = true },
    release () {
      holding = false
      for (const f of held.splice(0)) f()
    },
    hungUpAfterAcceptance (n) {
      return new Promise(resolve => {
        hangUpWaiters.push({ n, resolve })
        notifyHangUps()
      })
    },
    close () {
      receiver.release()
      return new Promise(resolve => server.close(() => resolve()))
    },
  }
  return receiver
}

export interface WebhookDelivery { headers: http.IncomingHttpHeaders; body: string; status: number }

export interface WebhookReceiver {
  url: string
  deliveries: WebhookDelivery[]
  /** Status codes to answer with, in turn; 200 once they run out. */
  respondWith (...statuses: number[]): void
  close (): Promise<void>
}

export async function startWebhookReceiver (): Promise<WebhookReceiver> {
  const deliveries: WebhookDelivery[] = []
  const queue: number[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const status = queue.shift() ?? 200
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status })
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'nope')
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/hooks/arshjul`,
    deliveries,
    respondWith (...statuses) { queue.push(...statuses) },
    close () {
      server.closeAllConnections()
      return new Promise(resolve => server.close(() => resolve()))
    },
  }
}
