import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp() })
afterEach(async () => { await t.close() })

const post = (payload: unknown, token = t.tokens.admin) =>
  t.app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: token ? t.auth(token) : {}, payload: payload as object })
const kari = { name: 'Kari Nordmann', email: 'kari@oyer.kommune.no', municipality: 'oyer', eventTypes: ['arsregnskap_avlagt', 'arsberetning'] }

describe('POST /api/v1/subscriptions', () => {
  it('creates an e-mail subscription for a municipality and audits it', async () => {
    const res = await post(kari, t.tokens.editorOyer)
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({
      name: 'Kari Nordmann',
      channel: 'email',
      email: 'kari@oyer.kommune.no',
      webhookUrl: null,
      webhookSecretSet: false,
      municipality: 'oyer',
      collaboration: null,
      body: null,
      eventTypes: ['arsregnskap_avlagt', 'arsberetning'],
      digest: false,
      active: true,
      receivesEscalations: false,
    })
    const audit = (await t.app.inject({ url: '/api/v1/audit?entityType=subscription', headers: t.auth(t.tokens.admin) })).json().data
    expect(audit).toEqual([expect.objectContaining({ action: 'create', entityId: String(res.json().id), actor: 'editor:test-editor-oyer' })])
  })

  it('a subscription to the kommunedirektør receives escalations and may take the weekly digest', async () => {
    const res = await post({ name: 'KD-stab', email: 'kd@oyer.kommune.no', body: 'oyer-kommunedirektor', digest: true }, t.tokens.editorOyer)
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ body: 'oyer-kommunedirektor', receivesEscalations: true, digest: true })
  })

  it('keeps a webhook secret to sign with, shows a generated one exactly once, and never again — not in reads, lists or the audit log', async () => {
    const created = await post({ name: 'Sak/arkiv', webhookUrl: 'https://sak.oyer.kommune.no/hooks/arshjul', collaboration: 'felles-renovasjonsselskap-glor' })
    expect(created.statusCode).toBe(201)
    const secret = created.json().webhookSecret as string
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/)
    expect(created.json()).toMatchObject({ channel: 'webhook', webhookSecretSet: true, collaboration: 'felles-renovasjonsselskap-glor' })
    const id = created.json().id
    const stored = await t.repos.subscriptions.find(id)
    expect(stored!.webhookSecret).toBe(secret)

    const given = await post({ name: 'Eget system', webhookUrl: 'https://x.example.no/h', webhookSecret: 'a-secret-of-32-characters-length', municipality: 'oyer' })
    expect(given.json()).not.toHaveProperty('webhookSecret')
    const rotated = await t.app.inject({ method: 'PATCH', url: `/api/v1/subscriptions/${id}`, headers: t.auth(t.tokens.admin), payload: { webhookSecret: 'the-new-secret-0123456789' } })
    expect(rotated.statusCode).toBe(200)
    expect(rotated.json()).not.toHaveProperty('webhookSecret')
    expect((await t.repos.subscriptions.find(id))!.webhookSecret).toBe('the-new-secret-0123456789')

    const replies = [
      await t.app.inject({ url: `/api/v1/subscriptions/${id}`, headers: t.auth(t.tokens.admin) }),
      await t.app.inject({ url: '/api/v1/subscriptions', headers: t.auth(t.tokens.admin) }),
      await t.app.inject({ url: '/api/v1/audit?entityType=subscription', headers: t.auth(t.tokens.admin) }),
    ]
    for (const r of replies) {
      expect(r.statusCode).toBe(200)
      for (const s of [secret, 'a-secret-of-32-characters-length', 'the-new-secret-0123456789']) expect(r.body).not.toContain(s)
    }
    expect(replies[0]!.json()).not.toHaveProperty('webhookSecret')
  })

  it('refuses bad input with a 400 naming the field, and stores nothing', async () => {
    const cases: Array<[unknown, string]> = [
      [{ ...kari, email: 'not-an-address' }, 'body/email'],
      [{ name: 'x', municipality: 'oyer' }, 'body/email'],
      [{ ...kari, webhookUrl: 'https://h.example.no/x' }, 'body/email'],
      [{ ...kari, webhookSecret: 'a-secret-of-32-characters-length' }, 'body/webhookSecret'],
      [{ name: 'x', webhookUrl: 'ftp://h.example.no/x', municipality: 'oyer' }, 'body/webhookUrl'],
      [{ name: 'x', webhookUrl: 'https://user:pw@h.example.no/x', municipality: 'oyer' }, 'body/webhookUrl'],
      [{ name: 'x', webhookUrl: 'https://h.example.no/x', webhookSecret: 'short', municipality: 'oyer' }, 'body/webhookSecret'],
      [{ ...kari, municipality: 'atlantis' }, 'body/municipality'],
      [{ ...kari, body: 'oyer-kontrollutvalg' }, 'body/body'],
      [{ name: 'x', email: 'x@y.no', collaboration: 'nope' }, 'body/collaboration'],
      [{ name: 'x', email: 'x@y.no', body: 'nope' }, 'body/body'],
      [{ ...kari, eventTypes: ['arsregnskap_avlagt', 'no_such_type'] }, 'body/eventTypes/1'],
      [{ ...kari, eventTypes: [] }, 'body/eventTypes'],
      [{ name: 'x', email: 'x@y.no' }, 'body/municipality'],
      [{ name: 'x', email: 'x@y.no', collaboration: 'felles-renovasjonsselskap-glor', digest: true }, 'body/digest'],
      [{ ...kari, name: '' }, 'body/name'],
      [{ ...kari, colour: 'red' }, 'body/colour'],
    ]
    for (const [payload, path] of cases) {
      const before = await t.snapshot()
      const res = await post(payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.json().details.map((d: { path: string }) => d.path), JSON.stringify(payload)).toContain(path)
      expect(await t.snapshot()).toBe(before)
    }
  })

  it('needs a token (401); an editor only for its own municipality (403), and never region-wide', async () => {
    const cases: Array<[unknown, string, number]> = [
      [kari, '', 401],
      [{ ...kari, municipality: 'gausdal' }, t.tokens.editorOyer, 403],
      [{ name: 'x', email: 'x@y.no', body: 'gausdal-kontrollutvalg' }, t.tokens.editorOyer, 403],
      [{ name: 'x', email: 'x@y.no', eventTypes: ['mote'] }, t.tokens.editorOyer, 403],
    ]
    for (const [payload, token, status] of cases) {
      const before = await t.snapshot()
      const res = await post(payload, token)
      expect(res.statusCode, JSON.stringify(payload)).toBe(status)
      expect(await t.snapshot()).toBe(before)
    }
    expect((await t.app.inject({ url: '/api/v1/subscriptions', headers: { authorization: 'Bearer arshjul_nope' } })).statusCode).toBe(401)
    expect((await t.app.inject('/api/v1/subscriptions')).statusCode).toBe(401)
    // A collaboration Øyer takes part in is Øyer's editor's business too.
    expect((await post({ name: 'x', email: 'x@y.no', collaboration: 'felles-renovasjonsselskap-glor' }, t.tokens.editorOyer)).statusCode).toBe(201)
  })
})

describe('reading, changing and deleting subscriptions', () => {
  it('lists only what an editor may see, and filters', async () => {
    await post(kari)
    await post({ name: 'Gausdal', email: 'post@gausdal.kommune.no', municipality: 'gausdal' })
    await post({ name: 'Region', email: 'region@example.no', eventTypes: ['mote'] })
    const list = async (url: string, token: string) => (await t.app.inject({ url, headers: t.auth(token) })).json()
    expect((await list('/api/v1/subscriptions', t.tokens.admin)).pagination.totalElements).toBe(3)
    expect((await list('/api/v1/subscriptions', t.tokens.editorOyer)).data.map((s: { name: string }) => s.name)).toEqual(['Kari Nordmann'])
    expect((await list('/api/v1/subscriptions?municipality=gausdal', t.tokens.admin)).data.map((s: { name: string }) => s.name)).toEqual(['Gausdal'])
    const gausdal = (await list('/api/v1/subscriptions?municipality=gausdal', t.tokens.admin)).data[0].id
    expect((await t.app.inject({ url: `/api/v1/subscriptions/${gausdal}`, headers: t.auth(t.tokens.editorOyer) })).statusCode).toBe(403)
    expect((await t.app.inject({ url: '/api/v1/subscriptions/9999', headers: t.auth(t.tokens.admin) })).statusCode).toBe(404)
  })

  it('changes scope, filters and state; a change out of the editor’s municipality is refused and stores nothing', async () => {
    const id = (await post(kari, t.tokens.editorOyer)).json().id
    const patch = (payload: unknown, token = t.tokens.editorOyer) => t.app.inject({ method: 'PATCH', url: `/api/v1/subscriptions/${id}`, headers: t.auth(token), payload: payload as object })
    const res = await patch({ body: 'oyer-kontrollutvalg', eventTypes: null, active: false })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ municipality: null, body: 'oyer-kontrollutvalg', eventTypes: null, active: false })
    for (const [payload, status, path] of [
      [{ municipality: 'gausdal' }, 403, null],
      [{ webhookUrl: 'https://x.example.no' }, 400, 'body/webhookUrl'],
      [{ body: 'oyer-kontrollutvalg', municipality: 'oyer' }, 400, 'body/body'],
      [{}, 400, 'body'],
    ] as const) {
      const before = await t.snapshot()
      const r = await patch(payload)
      expect(r.statusCode, JSON.stringify(payload)).toBe(status)
      if (path) expect(r.json().details.map((d: { path: string }) => d.path)).toContain(path)
      expect(await t.snapshot()).toBe(before)
    }
    const audit = (await t.app.inject({ url: `/api/v1/audit?entityType=subscription&entityId=${id}`, headers: t.auth(t.tokens.admin) })).json().data
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['update', 'create'])
    expect(audit[0].before).toMatchObject({ municipalityId: expect.any(Number), active: true })
    expect(audit[0].after).toMatchObject({ municipalityId: null, active: false })
  })

  it('deletes (a tombstone) and withdraws reminders not yet sent', async () => {
    const id = (await post(kari)).json().id
    await t.repos.outbox.enqueue([{
      outboxKey: '55-20270222/before-14@2027-02-22/mailto:kari@oyer.kommune.no',
      messageId: '<x@arshjul.test>',
      kind: 'before',
      occurrenceId: '55-20270222',
      reminderKey: 'before-14@2027-02-22',
      recipient: 'mailto:kari@oyer.kommune.no',
      subscriptionId: id,
      channel: 'email',
      municipalityId: null,
      sendOn: '2027-02-08',
      dueDate: '2027-02-22',
      payload: {},
    }], Date.now())
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/subscriptions/${id}`, headers: t.auth(t.tokens.editorOyer) })).statusCode).toBe(204)
    expect((await t.app.inject({ url: `/api/v1/subscriptions/${id}`, headers: t.auth(t.tokens.admin) })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/subscriptions/${id}`, headers: t.auth(t.tokens.admin) })).statusCode).toBe(404)
    expect((await t.repos.outbox.list({ limit: 10, offset: 0 })).items[0]).toMatchObject({ status: 'cancelled', lastError: 'abonnementet ble slettet' })
    expect(await t.repos.subscriptions.find(id)).toMatchObject({ deleted: true, active: false })
    // Clients that sync see the deletion as a tombstone, and only they.
    const list = async (url: string) => (await t.app.inject({ url, headers: t.auth(t.tokens.editorOyer) })).json()
    expect((await list('/api/v1/subscriptions')).data).toEqual([])
    const synced = await list('/api/v1/subscriptions?modified_since=2000-01-01T00:00:00Z')
    expect(synced.data).toEqual([{ id, created: expect.any(String), modified: expect.any(String), deleted: true }])
  })
})

describe('GET /api/v1/reminders (delivery log)', () => {
  it('needs a token, and shows an editor its own municipality only', async () => {
    expect((await t.app.inject('/api/v1/reminders')).statusCode).toBe(401)
    expect((await t.app.inject({ url: '/api/v1/reminders?municipality=gausdal', headers: t.auth(t.tokens.editorOyer) })).statusCode).toBe(403)
    const ok = await t.app.inject({ url: '/api/v1/reminders?status=sent', headers: t.auth(t.tokens.editorOyer) })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toMatchObject({ data: [], pagination: { totalElements: 0 } })
    const bad = await t.app.inject({ url: '/api/v1/reminders?status=lost', headers: t.auth(t.tokens.admin) })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().details[0].path).toBe('querystring/status')
  })
})
