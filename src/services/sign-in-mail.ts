// A sign-in link by e-mail (issue 14): a known, active user asks on /logg-inn and gets a single-use link.
// The page answers the same whatever the address, and the mail goes out after the answer, so neither the
// text nor the response time tells whether an address is registered.
import { randomUUID } from 'node:crypto'
import { mailDomainOf } from '../config.js'
import type { EmailTransport } from '../reminders/mailer.js'
import { LOGIN_LINK_MINUTES, normaliseEmail, type PeopleService } from './people.js'

export interface SignInMailDeps {
  people: PeopleService
  transport: EmailTransport
  /** MAIL_FROM. */
  from: string
  /** BASE_URL: the link is `${baseUrl}/logg-inn/lenke/<secret>`. */
  baseUrl: string
}

/** The mail's subject and text (bokmål), for a link valid LOGIN_LINK_MINUTES. */
export function signInMailText (name: string, url: string): { subject: string; text: string } {
  return {
    subject: 'Innloggingslenke til Årshjul',
    text: `Hei ${name}!\n\nNoen (forhåpentlig du) ba om å logge inn i Årshjul. Åpne lenken og trykk «Logg inn»:\n\n${url}\n\n` +
      `Lenken virker én gang, i ${LOGIN_LINK_MINUTES} minutter. Har du ikke bedt om den, kan du se bort fra denne e-posten.\n`,
  }
}

export function createSignInMailService (deps: SignInMailDeps) {
  const { people, transport, from, baseUrl } = deps
  const domain = mailDomainOf(baseUrl)

  async function send (email: string): Promise<void> {
    const user = await people.findByEmail(email)
    if (!user || !user.active) return
    const { url } = await people.issueLoginLink(user.email, baseUrl)
    const { subject, text } = signInMailText(user.name, url)
    await transport.send({ from, to: { name: user.name, address: user.email }, subject, text, attachments: [], messageId: `<${randomUUID()}@${domain}>`, headers: {} })
  }

  return {
    /**
     * Sends a sign-in link to `email` when it belongs to an active user; nothing otherwise. Returns at once
     * (the lookup and delivery run after), so callers answer the same page either way. Throws `invalid`
     * (field email) only for something that is not an e-mail address at all. `onError`: where a failed
     * delivery is told (the server's log); nothing reaches the person asking.
     */
    request (email: string, onError: (err: unknown) => void = () => {}): void {
      const address = normaliseEmail(email)
      send(address).catch(onError)
    },
    /** For tests and shutdown: the same as request, but waits for the delivery. */
    async requestAndWait (email: string): Promise<void> {
      await send(normaliseEmail(email))
    },
    close (): void { transport.close() },
  }
}
export type SignInMailService = ReturnType<typeof createSignInMailService>
