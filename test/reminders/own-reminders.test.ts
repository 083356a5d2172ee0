// A person's own reminders (issue 14, «Mine varsler») end to end: the real dispatcher and planner over
// a seeded database with a fixed clock, a real SMTP server on loopback. They go only to her verified
// address (her current one), with her lead days, only about what she may see, and not at all once
// she is deactivated.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BASE_URL, buildTestApp, type TestApp } from '../helpers/app.js'
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/receivers.js'
import { loadConfig } from '../../src/config.js'
import { dispatcherFromConfig } from '../../src/reminders/setup.js'
import { actorOfUser, type RoleRef } from '../../src/services/people.js'
import type { Actor } from '../../src/services/access.js'
import type { OwnSubscriptionInput } from '../../src/services/subscriptions.js'

/** Monday 8 February 2027, 08:00 in Oslo: 14 days before Øyer's årsregnskap is due (22 February), and the weekly digest's day. */
const FEB_8 = '2027-02-08T07:00:00Z'
const REMINDER = 'Påminnelse: Årsregnskapet avlagt – Øyer – frist 22.02.2027'

let t: TestApp
let smtp: SmtpReceiver
beforeEach(async () => {
  t = await buildTestApp({ now: FEB_8 })
  smtp = await startSmtpReceiver()
})
afterEach(async () => {
  await t.close()
  await smtp.close()
})

const dispatcher = () => dispatcherFromConfig(loadConfig({ BASE_URL, SMTP_URL: smtp.url }), { services: t.services })
const admin: Actor = { tokenId: null, label: 'admin', role: 'admin', municipalityIds: [] }

/** A person with a verified address and these roles, as her session's actor. */
async function person (email: string, name: string, roles: RoleRef[] = []): Promise<Actor> {
  const user = await t.services.people.ensure({ email, name, roles }, null)
  await t.sql.run('update app_user set email_verified_at = ? where id = ?', Date.parse('2027-01-04'), user.id)
  return actorOfUser((await t.repos.people.findUser(user.id))!, await t.repos.people.rolesOf([user.id]))
}
const follow = (a: Actor, input: OwnSubscriptionInput) => t.services.subscriptions.createOwn(a, input)
const subjectsTo = (address: string) => smtp.messages.filter(m => m.to.includes(address)).map(m => m.parsed.subject!).sort()
const digestTo = (address: string) => smtp.messages.find(m => m.to.includes(address) && m.parsed.subject!.startsWith('Ukeoversikt'))!.parsed.text!

describe("a person's own reminders over real SMTP", () => {
  it('her weekly digest and the reminder 14 days before arrive at her verified address only; other lead days replace the rule\'s', async () => {
    const kari = await person('kari@example.no', 'Kari Nordmann')
    const ola = await person('ola@example.no', 'Ola Nordmann')
    await follow(kari, { municipality: 'oyer', eventTypes: ['arsregnskap_avlagt'], leadDays: [14], digest: true })
    // The rule says 42, 14, 3 and 0 days; Ola chose 7 only: nothing before the deadline today.
    await follow(ola, { municipality: 'oyer', eventTypes: ['arsregnskap_avlagt'], leadDays: [7] })
    const d = dispatcher()
    expect(await d.run()).toMatchObject({ day: '2027-02-08', failed: 0 })

    expect(subjectsTo('kari@example.no')).toEqual([REMINDER, expect.stringMatching(/^Ukeoversikt uke 6 for Øyer: /)])
    expect(smtp.messages.every(m => m.to.length === 1 && m.to[0] === 'kari@example.no')).toBe(true)
    const reminder = smtp.messages.find(m => m.parsed.subject === REMINDER)!
    expect(reminder.parsed.text).toContain('Hei Kari Nordmann,')
    expect(reminder.parsed.text).toContain('om 14 dager')
    expect(digestTo('kari@example.no')).toContain('Øyer')

    // A week later Ola's own lead time comes round, and only his.
    t.clock.set('2027-02-15T07:00:00Z')
    smtp.messages.length = 0
    await d.run()
    expect(subjectsTo('ola@example.no')).toEqual([REMINDER])
    expect(subjectsTo('kari@example.no')).toEqual([expect.stringMatching(/^Ukeoversikt uke 7 for Øyer: /)])
    d.close()
  })

  it('go to her new address once it changes; what waited for the old one is withdrawn', async () => {
    const kari = await person('kari@example.no', 'Kari Nordmann')
    await follow(kari, { municipality: 'oyer', eventTypes: ['arsregnskap_avlagt'], leadDays: [14] })
    const d = dispatcher()
    expect(await d.enqueue(t.clock.now())).toMatchObject({ enqueued: 1 })
    await t.sql.run("update app_user set email = 'kari.nordmann@example.no', modified = ? where id = ?", Date.parse(FEB_8) + 1, kari.userId)
    // The same morning: the change alone makes the dispatcher plan again (no force).
    const report = await d.run()
    expect(report).toMatchObject({ enqueued: 1, sent: 1, cancelled: 1 })
    expect(smtp.messages.map(m => m.to)).toEqual([['kari.nordmann@example.no']])
    d.close()
  })

  it("a private body's items are not in the reminders or the digest of a person who may not see them", async () => {
    // Øyer's kommunedirektør, responsible for the årsregnskap, goes private.
    await t.sql.run("update body set feed_visibility = 'private' where slug = 'oyer-kommunedirektor'")
    const per = await person('per@example.no', 'Per Publikum')
    const kari = await person('kari@oyer.kommune.no', 'Kari Nordmann', [{ role: 'editor', municipality: 'oyer' }])
    for (const who of [per, kari]) await follow(who, { municipality: 'oyer', leadDays: [14], digest: true })
    const d = dispatcher()
    await d.run()
    d.close()

    expect(subjectsTo('kari@oyer.kommune.no')).toContain(REMINDER)
    expect(digestTo('kari@oyer.kommune.no')).toContain('Kommunedirektøren i Øyer')
    expect(subjectsTo('per@example.no')).not.toContain(REMINDER)
    expect(subjectsTo('per@example.no').some(s => s.startsWith('Ukeoversikt uke 6 for Øyer'))).toBe(true)
    for (const m of smtp.messages.filter(m => m.to.includes('per@example.no'))) expect(m.raw).not.toContain('Kommunedirektøren i Øyer')
    const perDigest = (await t.repos.outbox.list({ limit: 500, offset: 0 })).items
      .find(r => r.kind === 'digest' && r.recipient === 'mailto:per@example.no')!.payload as { overdue: Array<{ responsibleBody: string | null }>; upcoming: Array<{ responsibleBody: string | null }> }
    expect([...perDigest.overdue, ...perDigest.upcoming].some(i => i.responsibleBody === 'Kommunedirektøren i Øyer')).toBe(false)
  })

  it('a deactivated person gets nothing: what waits is withdrawn, and nothing new is planned', async () => {
    const kari = await person('kari@example.no', 'Kari Nordmann')
    await follow(kari, { municipality: 'oyer', eventTypes: ['arsregnskap_avlagt'], leadDays: [14], digest: true })
    const d = dispatcher()
    expect(await d.enqueue(t.clock.now())).toMatchObject({ enqueued: 2 })
    await t.services.people.setActive(admin, kari.userId!, false)
    expect(await d.run()).toMatchObject({ enqueued: 0, sent: 0, cancelled: 2 })
    t.clock.set('2027-02-19T07:00:00Z') // three days before: the rule's next reminder day
    expect(await d.run()).toMatchObject({ enqueued: 0, sent: 0 })
    expect(smtp.messages).toEqual([])
    const reasons = (await t.repos.outbox.list({ limit: 50, offset: 0 })).items.map(r => [r.status, r.lastError])
    expect(reasons).toEqual([['cancelled', 'abonnementet er deaktivert'], ['cancelled', 'abonnementet er deaktivert']])
    d.close()
  })
})
