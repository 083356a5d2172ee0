// The subscriptions service without HTTP: who may manage a subscription (every target named), the
// rules of a subscription, and what a subscription's reminders may see of private bodies.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { refusal as failure, serviceFixture, type ServiceFixture } from '../helpers/services.js'
import type { Actor } from '../../src/services/access.js'

let t: ServiceFixture
let admin: Actor
let editorOyer: Actor
let editorGausdal: Actor
let ids: { oyer: number; gausdal: number }
beforeEach(async () => {
  t = await serviceFixture()
  ids = { oyer: await t.idOf('municipality', 'oyer'), gausdal: await t.idOf('municipality', 'gausdal') }
  admin = t.admin
  editorOyer = await t.editorOf('oyer')
  editorGausdal = await t.editorOf('gausdal')
})
afterEach(async () => { await t.close() })

const snapshot = () => t.snapshot()

const kari = { name: 'Kari', email: 'kari@oyer.kommune.no' }

describe('subscriptions: who may manage what', () => {
  it.each([
    ['a Gausdal body', { body: 'gausdal-kontrollutvalg' }],
    ['Gausdal', { municipality: 'gausdal' }],
    ['a collaboration without Øyer', { collaboration: 'borgerlig-vigsel' }],
    ['the whole region', { eventTypes: ['mote'] }],
  ])('an Øyer editor naming %s gets 403 and nothing changes', async (_what, target) => {
    const before = await snapshot()
    expect(await failure(t.deps.services.subscriptions.create(editorOyer, { ...kari, ...target }))).toMatchObject({ kind: 'forbidden', code: 'auth.forbidden' })
    expect(await snapshot()).toBe(before)
  })

  it('without an actor: 401 before anything is looked up', async () => {
    expect((await failure(t.deps.services.subscriptions.create(null, { ...kari, body: 'finnes-ikke' }))).kind).toBe('unauthorized')
    expect((await failure(t.deps.services.subscriptions.remove(undefined, 999_999))).kind).toBe('unauthorized')
  })

  it("another municipality's editor can neither read, change, move nor delete Øyer's subscription", async () => {
    const s = t.deps.services.subscriptions
    const { id } = await s.create(editorOyer, { ...kari, body: 'oyer-kontrollutvalg' })
    const before = await snapshot()
    expect((await failure(s.get(editorGausdal, id))).kind).toBe('forbidden')
    expect((await failure(s.update(editorGausdal, id, { active: false }))).kind).toBe('forbidden')
    expect((await failure(s.remove(editorGausdal, id))).kind).toBe('forbidden')
    // Øyer's own editor may not move it to a Gausdal body either: every target, before and after.
    expect((await failure(s.update(editorOyer, id, { body: 'gausdal-kontrollutvalg' }))).kind).toBe('forbidden')
    expect(await snapshot()).toBe(before)
    expect((await s.list(editorGausdal, { limit: 100, offset: 0 })).items).toEqual([])
    expect((await s.list(editorOyer, { limit: 100, offset: 0 })).items.map(x => x.id)).toEqual([id])
  })

  it('an editor may subscribe for a collaboration its municipality takes part in', async () => {
    expect((await t.deps.services.subscriptions.create(editorOyer, { ...kari, collaboration: 'felles-renovasjonsselskap-glor' })).collaboration).toBe('felles-renovasjonsselskap-glor')
  })
})

describe('subscriptions: the rules', () => {
  it.each([
    [{ ...kari, webhookUrl: 'https://h.example.no/x', municipality: 'oyer' }, 'subscriptions.channel', 'email'],
    [{ name: 'x', email: 'x@y.no' }, 'subscriptions.scope', 'municipality'],
    [{ ...kari, municipality: 'oyer', body: 'oyer-kontrollutvalg' }, 'subscriptions.scope', 'body'],
    [{ ...kari, body: 'finnes-ikke' }, 'subscriptions.unknown_body', 'body'],
    [{ ...kari, municipality: 'oyer', eventTypes: ['mote', 'nope'] }, 'subscriptions.unknown_event_type', 'eventTypes/1'],
    [{ ...kari, collaboration: 'felles-renovasjonsselskap-glor', digest: true }, 'subscriptions.digest', 'digest'],
  ])('%j → %s on %s, nothing stored', async (input, code, field) => {
    const before = await snapshot()
    expect(await failure(t.deps.services.subscriptions.create(admin, input))).toMatchObject({ kind: 'invalid', code, field })
    expect(await snapshot()).toBe(before)
  })

  it('deleting withdraws unsent reminders and audits, all in one transaction; the tombstone shows under modifiedSince only', async () => {
    const s = t.deps.services.subscriptions
    const { id } = await s.create(editorOyer, { ...kari, municipality: 'oyer' })
    await t.deps.repos.outbox.enqueue([{
      outboxKey: 'k1',
      messageId: '<k1@arshjul.test>',
      kind: 'before',
      occurrenceId: '1-20270222',
      reminderKey: 'before-14@2027-02-22',
      recipient: 'mailto:kari@oyer.kommune.no',
      subscriptionId: id,
      channel: 'email',
      municipalityId: ids.oyer,
      sendOn: '2027-02-08',
      dueDate: '2027-02-22',
      payload: {},
    }], 0)
    await s.remove(editorOyer, id)
    expect((await t.deps.repos.outbox.list({ limit: 10, offset: 0 })).items[0]).toMatchObject({ status: 'cancelled', lastError: 'abonnementet ble slettet' })
    expect((await t.deps.repos.audit.list({ entityType: 'subscription', entityId: String(id), limit: 10, offset: 0 })).items.map(a => a.action)).toEqual(['delete', 'create'])
    expect((await s.list(admin, { limit: 100, offset: 0 })).items).toEqual([])
    expect((await s.list(admin, { limit: 100, offset: 0, modifiedSince: 0 })).items).toEqual([expect.objectContaining({ id, deleted: true })])
  })
})

describe("a subscription's viewer: what its reminders may carry of private bodies", () => {
  it.each([
    ['a municipality', { municipality: 'oyer' }, 'oyer'],
    ['a body of the municipality', { body: 'oyer-kontrollutvalg' }, 'oyer'],
  ])('%s sees that municipality’s private bodies', async (_what, target, m) => {
    const s = t.deps.services.subscriptions
    const created = await s.create(admin, { ...kari, ...target })
    const row = (await s.find(created.id))!
    const viewer = await s.viewerOf(row)
    expect(viewer).toMatchObject({ all: false })
    expect([...viewer.municipalityIds]).toEqual([ids[m as 'oyer']])
  })

  it("a collaboration sees only its own private bodies, not its participants'; region-wide sees public items only", async () => {
    const s = t.deps.services.subscriptions
    const collaboration = (await t.deps.repos.collaborations.find('felles-renovasjonsselskap-glor'))!
    const row = (await s.find((await s.create(admin, { ...kari, collaboration: collaboration.slug })).id))!
    const before = await s.viewerOf(row)
    expect([...before.municipalityIds]).toEqual([])
    expect([...before.bodyIds]).toEqual([])
    // Make one of its bodies and one of Øyer's private: the collaboration sees its own only.
    const own = await t.deps.services.bodies.create(admin, { slug: 'glor-styret', name: 'Styret', kind: 'annet', collaboration: collaboration.slug })
    await t.deps.services.bodies.update(admin, own.slug, { feedVisibility: 'private' })
    await t.deps.services.bodies.update(admin, 'oyer-formannskap', { feedVisibility: 'private' })
    const visibility = await t.deps.services.access.visibility(await s.viewerOf(row))
    expect(visibility.canSeeBody(own.id)).toBe(true)
    expect(visibility.canSeeBody((await t.deps.repos.bodies.find('oyer-formannskap'))!.id)).toBe(false)

    const region = (await s.find((await s.create(admin, { ...kari, eventTypes: ['mote'] })).id))!
    const regionVisibility = await t.deps.services.access.visibility(await s.viewerOf(region))
    expect(regionVisibility.canSeeBody(own.id)).toBe(false)
    expect(regionVisibility.canSeeBody((await t.deps.repos.bodies.find('oyer-formannskap'))!.id)).toBe(false)
  })
})
