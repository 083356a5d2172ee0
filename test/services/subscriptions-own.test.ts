// A person's own reminders (issue 14, «Mine varsler») in the subscriptions service: only her own,
// only what she may see, always to her verified address, lead days from the offered choices — and
// the operators' API subscriptions untouched by it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { refusal, serviceFixture, type ServiceFixture } from '../helpers/services.js'
import { actorOfUser, type RoleRef } from '../../src/services/people.js'
import type { Actor } from '../../src/services/access.js'
import type { OwnSubscriptionInput } from '../../src/services/subscriptions.js'

let t: ServiceFixture
beforeEach(async () => { t = await serviceFixture() })
afterEach(async () => { await t.close() })

/** A person with these roles, her address verified unless told, as the actor her session would give. */
async function person (email: string, roles: RoleRef[] = [], opts: { verified?: boolean } = {}): Promise<Actor> {
  const user = await t.services.people.ensure({ email, roles }, null)
  if (opts.verified !== false) (await t.sql.run('update app_user set email_verified_at = ? where id = ?', Date.parse('2027-01-01'), user.id))
  const row = (await t.repos.people.findUser(user.id))!
  return actorOfUser(row, await t.repos.people.rolesOf([user.id]))
}
const own = () => t.services.subscriptions

describe('own subscriptions: what she may create', () => {
  it('a person without any role follows Øyer: e-mail to her own address, audited under her name', async () => {
    const kari = await person('kari@example.no')
    const view = await own().createOwn(kari, { municipality: 'oyer', digest: true, leadDays: [14, 3] })
    expect(view).toMatchObject({ follow: { type: 'municipality', slug: 'oyer', name: 'Øyer', municipality: 'oyer' }, digest: true, leadDays: [14, 3], eventTypes: null, active: true, email: 'kari@example.no' })
    const row = await t.sql.get('select channel, email, user_id as "userId", lead_days as "leadDays" from subscription where id = ?', view.id)
    expect(row).toEqual({ channel: 'email', email: 'kari@example.no', userId: kari.userId, leadDays: '[14,3]' })
    const audit = await t.sql.all('select actor as label, user_id as "userId", action from audit_log where entity_type = \'subscription\' and entity_id = ? order by id', String(view.id))
    expect(audit).toEqual([{ label: 'kari <kari@example.no>', userId: kari.userId, action: 'create' }])
  })

  it('an unverified address cannot have reminders (403, nothing written)', async () => {
    const ola = await person('ola@example.no', [], { verified: false })
    const before = await t.snapshot()
    expect(await refusal(own().createOwn(ola, { municipality: 'oyer' }))).toMatchObject({ kind: 'forbidden', code: 'subscriptions.unverified_email' })
    expect(await t.snapshot()).toBe(before)
  })

  it('an API token without a person has no own reminders', async () => {
    expect(await refusal(own().createOwn(await t.editorOf('oyer'), { municipality: 'oyer' }))).toMatchObject({ kind: 'forbidden' })
    expect((await refusal(own().createOwn(null, { municipality: 'oyer' }))).kind).toBe('unauthorized')
  })

  it("a private body she may not see is refused like an unknown one, naming the field; Øyer's editor may follow it", async () => {
    await t.makePrivate('oyer-kontrollutvalg')
    const stranger = await person('per@example.no')
    const gausdal = await person('gunn@gausdal.kommune.no', [{ role: 'editor', municipality: 'gausdal' }])
    const before = await t.snapshot()
    for (const who of [stranger, gausdal]) {
      expect(await refusal(own().createOwn(who, { body: 'oyer-kontrollutvalg' }))).toMatchObject({ kind: 'invalid', code: 'subscriptions.unknown_body', field: 'body' })
    }
    expect(await t.snapshot()).toBe(before)
    const editor = await person('kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }])
    expect((await own().createOwn(editor, { body: 'oyer-kontrollutvalg' })).follow).toMatchObject({ type: 'body', slug: 'oyer-kontrollutvalg' })
    // And the choices offered: the private body for Øyer's editor only.
    const bodiesOf = async (a: Actor) => (await own().ownChoices(a)).municipalities.find(m => m.slug === 'oyer')!.bodies.map(b => b.slug)
    expect(await bodiesOf(editor)).toContain('oyer-kontrollutvalg')
    expect(await bodiesOf(stranger)).not.toContain('oyer-kontrollutvalg')
    expect(await bodiesOf(stranger)).toContain('oyer-kommunestyre')
  })

  it.each([
    ['nothing to follow', 'municipality', 'subscriptions.own_target', {}],
    ['two things to follow', 'body', 'subscriptions.scope', { municipality: 'oyer', body: 'oyer-kommunestyre' }],
    ['an unknown municipality', 'municipality', 'subscriptions.unknown_municipality', { municipality: 'atlantis' }],
    ['an unknown event type', 'eventTypes/1', 'subscriptions.unknown_event_type', { municipality: 'oyer', eventTypes: ['mote', 'tull'] }],
    ['no lead days when not using the defaults', 'leadDays', 'subscriptions.lead_days', { municipality: 'oyer', leadDays: [] }],
    ['a lead time not offered', 'leadDays/1', 'subscriptions.lead_days', { municipality: 'oyer', leadDays: [14, 5] }],
    ['a digest of a collaboration', 'digest', 'subscriptions.digest', { collaboration: 'borgerlig-vigsel', digest: true }],
  ] as Array<[string, string, string, OwnSubscriptionInput]>)('%s: 400 naming %s, nothing written', async (_what, field, code, input) => {
    const kari = await person('kari@example.no')
    const before = await t.snapshot()
    expect(await refusal(own().createOwn(kari, input))).toMatchObject({ kind: 'invalid', field, code })
    expect(await t.snapshot()).toBe(before)
  })

  it('accepts each offered lead time, and a weekly digest for a body of a municipality', async () => {
    const kari = await person('kari@example.no')
    expect((await own().createOwn(kari, { municipality: 'gausdal', leadDays: [30, 14, 7, 3, 1] })).leadDays).toEqual([30, 14, 7, 3, 1])
    expect((await own().createOwn(kari, { body: 'oyer-kommunestyre', digest: true })).digest).toBe(true)
    expect((await own().createOwn(kari, { collaboration: 'borgerlig-vigsel', eventTypes: ['mote'] })).follow.type).toBe('collaboration')
  })
})

describe('own subscriptions: only her own', () => {
  it("another person's subscription is 404 to read, change and delete, and stays as it was", async () => {
    const kari = await person('kari@example.no')
    const ola = await person('ola@example.no', [{ role: 'admin' }])
    const { id } = await own().createOwn(kari, { municipality: 'oyer' })
    const before = await t.snapshot()
    expect((await refusal(own().getOwn(ola, id))).kind).toBe('not_found')
    expect((await refusal(own().updateOwn(ola, id, { active: false }))).kind).toBe('not_found')
    expect((await refusal(own().removeOwn(ola, id))).kind).toBe('not_found')
    expect(await own().listOwn(ola)).toEqual([])
    expect(await t.snapshot()).toBe(before)
  })

  it("an operator's API subscription is not hers to change, and hers is not in the operators' API", async () => {
    const kari = await person('kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }])
    const api = await own().create(await t.editorOf('oyer'), { name: 'Post', email: 'post@oyer.kommune.no', municipality: 'oyer' })
    const mine = await own().createOwn(kari, { municipality: 'oyer' })
    expect((await refusal(own().updateOwn(kari, api.id, { active: false }))).kind).toBe('not_found')
    expect((await refusal(own().update(t.admin, mine.id, { email: 'evil@example.com' }))).kind).toBe('not_found')
    expect((await refusal(own().remove(t.admin, mine.id))).kind).toBe('not_found')
    expect((await own().list(t.admin, { limit: 100, offset: 0 })).items.map(s => s.id)).toEqual([api.id])
    expect((await own().listOwn(kari)).map(s => s.id)).toEqual([mine.id])
  })

  it('she edits and deletes her own; deleting withdraws what waits', async () => {
    const kari = await person('kari@example.no')
    const { id } = await own().createOwn(kari, { municipality: 'oyer' })
    const edited = await own().updateOwn(kari, id, { body: 'oyer-kommunestyre', eventTypes: ['mote'], leadDays: null, digest: true, active: false })
    expect(edited).toMatchObject({ follow: { type: 'body', slug: 'oyer-kommunestyre' }, eventTypes: ['mote'], leadDays: null, digest: true, active: false })
    await own().removeOwn(kari, id)
    expect(await own().listOwn(kari)).toEqual([])
    const actions = await t.sql.all("select action from audit_log where entity_type = 'subscription' and entity_id = ? order by id", String(id))
    expect(actions).toEqual([{ action: 'create' }, { action: 'update' }, { action: 'delete' }])
  })
})

describe('own subscriptions as the reminder job sees them', () => {
  it('carry her current address, and are left out while she is deactivated', async () => {
    const kari = await person('kari@example.no')
    const { id } = await own().createOwn(kari, { municipality: 'oyer' })
    await t.sql.run("update app_user set email = 'kari.nordmann@example.no' where id = ?", kari.userId)
    expect((await own().active()).find(s => s.id === id)).toMatchObject({ email: 'kari.nordmann@example.no', active: true })
    expect(await own().find(id)).toMatchObject({ email: 'kari.nordmann@example.no' })
    await t.services.people.setActive(t.admin, kari.userId!, false)
    expect((await own().active()).some(s => s.id === id)).toBe(false)
    expect((await own().find(id))!.active).toBe(false)
  })

  it("see what she may see by her roles, not what the target's editors may", async () => {
    const stranger = await person('per@example.no')
    const { id } = await own().createOwn(stranger, { municipality: 'oyer' })
    const row = (await own().find(id))!
    expect([...(await own().viewerOf(row)).municipalityIds]).toEqual([])
    expect([...(await own().viewerOf({ ...row, userId: null })).municipalityIds]).toEqual([await t.idOf('municipality', 'oyer')])
  })
})
