// Private means private in reminders too: a private body's items reach only subscriptions within that
// body's scope — over real SMTP and a real webhook receiver.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BASE_URL, buildTestApp, type TestApp } from '../helpers/app.js'
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from '../helpers/receivers.js'
import { loadConfig } from '../../src/config.js'
import { dispatcherFromConfig } from '../../src/reminders/setup.js'

let t: TestApp
let smtp: SmtpReceiver
let hooks: WebhookReceiver
/** Monday 1 March 2027, 08:00 in Oslo: every municipality's årsregnskap (due 22 February) is a week overdue. */
const MARCH_1 = '2027-03-01T07:00:00Z'

beforeEach(async () => {
  t = await buildTestApp({ now: MARCH_1 })
  smtp = await startSmtpReceiver()
  hooks = await startWebhookReceiver()
  // Øyer's kommunedirektør, responsible for the årsregnskap, goes private.
  const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/bodies/oyer-kommunedirektor', headers: t.auth(t.tokens.admin), payload: { feedVisibility: 'private' } })
  expect(res.statusCode, res.body).toBe(200)
})
afterEach(async () => {
  await t.close()
  await smtp.close()
  await hooks.close()
})

async function subscribe (body: Record<string, unknown>, token = t.tokens.admin) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: t.auth(token), payload: body })
  expect(res.statusCode, res.body).toBe(201)
}
const dispatcher = () => dispatcherFromConfig(loadConfig({ BASE_URL, SMTP_URL: smtp.url }), { services: t.services })
const mailsTo = (address: string) => smtp.messages.filter(m => m.to.includes(address))

describe("a private body's items in reminders", () => {
  it("reach the owning municipality's subscription, never a region-wide one (e-mail and webhook)", async () => {
    await subscribe({ name: 'Regionen', email: 'region@example.no', eventTypes: ['arsregnskap_avlagt'] })
    await subscribe({ name: 'Regionens system', webhookUrl: hooks.url, eventTypes: ['arsregnskap_avlagt'] })
    await subscribe({ name: 'Kari', email: 'kari@oyer.kommune.no', municipality: 'oyer', eventTypes: ['arsregnskap_avlagt'] }, t.tokens.editorOyer)
    const d = dispatcher()
    const report = await d.run()
    expect(report.failed).toBe(0)
    d.close()

    expect(mailsTo('kari@oyer.kommune.no').map(m => m.parsed.subject)).toEqual(['Fristen er passert: Årsregnskapet avlagt – Øyer – 7 dager over fristen'])
    // The region hears of the other municipalities' public deadlines, but not of Øyer's.
    const region = mailsTo('region@example.no').map(m => m.parsed.subject!)
    expect(region.length).toBeGreaterThan(1)
    expect(region.every(s => s.startsWith('Fristen er passert: Årsregnskapet avlagt – '))).toBe(true)
    expect(region.some(s => s.includes('– Øyer –'))).toBe(false)
    for (const m of mailsTo('region@example.no')) expect(m.raw).not.toContain('Kommunedirektøren i Øyer')
    expect(hooks.deliveries.length).toBe(region.length)
    for (const h of hooks.deliveries) {
      const body = JSON.parse(h.body) as { occurrence: { subject: { slug: string }; responsibleBody: { slug: string } | null } }
      expect(body.occurrence.subject.slug).not.toBe('oyer')
      expect(body.occurrence.responsibleBody?.slug).not.toBe('oyer-kommunedirektor')
    }
  })

  it("are in the owning municipality's weekly digest, and not in a neighbour's", async () => {
    await subscribe({ name: 'KD-stab', email: 'kd@oyer.kommune.no', body: 'oyer-kommunestyre', eventTypes: ['kostra_regnskap'], digest: true })
    await subscribe({ name: 'Gausdal', email: 'post@gausdal.kommune.no', municipality: 'gausdal', eventTypes: ['kostra_regnskap'], digest: true })
    const d = dispatcher()
    await d.run()
    d.close()
    const digest = (to: string) => mailsTo(to).find(m => m.parsed.subject?.startsWith('Ukeoversikt'))!.parsed.text!
    expect(digest('kd@oyer.kommune.no')).toContain('(Kommunedirektøren i Øyer)')
    expect(digest('post@gausdal.kommune.no')).not.toContain('Kommunedirektøren i Øyer')
    // The whole lists (the e-mail shows the most overdue first, cut short).
    const payloads = (await t.repos.outbox.list({ limit: 100, offset: 0 })).items.filter(r => r.kind === 'digest')
      .map(r => r.payload as { municipality: { slug: string }; overdue: Array<{ title: string; responsibleBody: string | null }> })
    const overdue = (slug: string) => payloads.find(p => p.municipality.slug === slug)!.overdue
    expect(overdue('oyer')).toContainEqual(expect.objectContaining({ title: 'Årsregnskapet avlagt', responsibleBody: 'Kommunedirektøren i Øyer' }))
    expect(overdue('gausdal').length).toBeGreaterThan(0)
    expect(overdue('gausdal').some(i => i.responsibleBody === 'Kommunedirektøren i Øyer')).toBe(false)
  })
})
