// «Mine varsler» through the page (issue 14), over inject(): a signed-in person creates, edits and
// deletes her own reminders; the audit log names her; another person's reminder is 404 and unchanged;
// bad input re-shows the form (400) naming the field, with the values kept and nothing changed; a post
// without the CSRF token is 403 and changes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { csrfOf, setCookies, signIn, type SignedIn } from '../helpers/people.js'

let t: TestApp
let kari: SignedIn
beforeEach(async () => {
  t = await buildTestApp()
  kari = await signIn(t, 'kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }], 'Kari Nordmann')
})
afterEach(() => t.close())

const post = (who: SignedIn, url: string, form: Record<string, string | string[]>, csrf: string | null = who.csrf) => {
  const body = new URLSearchParams()
  if (csrf !== null) body.append('_csrf', csrf)
  for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x)
  return t.app.inject({ method: 'POST', url, headers: { ...who.headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() })
}
const rows = async () => await t.sql.all('select id, user_id as "userId", municipality_id as m, body_id as b, event_types as "eventTypes", lead_days as "leadDays", digest, active, deleted, email from subscription order by id') as Array<Record<string, unknown>>
/** The page a redirect leads to, with the one-time message cookie the redirect set. */
const follow = async (who: SignedIn, res: { headers: Record<string, unknown> }) => {
  const flash = [...setCookies(res.headers)].map(([k, v]) => `${k}=${v}`).join('; ')
  return (await t.app.inject({ url: res.headers.location as string, headers: { cookie: `${who.cookie}; ${flash}` } })).body
}
const weeklyOyer = { folg: 'kommune:oyer', art: 'alle', varsling: 'standard', ukeoversikt: 'ja', aktiv: 'ja' }

describe('Mine varsler: her own reminders through the page', () => {
  it('shows the form to a signed-in person, and sends a visitor to sign in', async () => {
    const page = await t.app.inject({ url: '/mine-varsler', headers: kari.headers })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<h1>Mine varsler</h1>')
    expect(page.body).toContain('kari@oyer.kommune.no')
    expect(page.body).toContain('<optgroup label="Øyer">')
    expect(page.body).toContain('<option value="kommune:oyer">Øyer kommune – alt</option>')
    expect(page.body).not.toContain('name="email"')
    const anonymous = await t.app.inject({ url: '/mine-varsler' })
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toBe('/logg-inn?tilbake=%2Fmine-varsler')
  })

  it('creates, edits and deletes, each audited under her name', async () => {
    const created = await post(kari, '/mine-varsler', { ...weeklyOyer, varsling: 'egne', dager: ['14', '3'] })
    expect(created.statusCode, created.body).toBe(303)
    expect(created.headers.location).toBe('/mine-varsler')
    const [row] = await rows()
    expect(row).toMatchObject({ userId: kari.userId, m: expect.any(Number), b: null, eventTypes: null, leadDays: '[14,3]', digest: 1, active: 1, email: 'kari@oyer.kommune.no' })
    const list = await follow(kari, created)
    expect(list).toContain('Varselet er lagret.')
    expect(list).toContain('14 dager og 3 dager før')

    const id = row!.id as number
    const edit = await t.app.inject({ url: `/mine-varsler/${id}`, headers: kari.headers })
    expect(edit.statusCode).toBe(200)
    expect(edit.body).toContain('<option value="kommune:oyer" selected>')
    const changed = await post(kari, `/mine-varsler/${id}`, { folg: 'organ:oyer-kommunestyre', art: ['mote'], varsling: 'standard', aktiv: 'ja' })
    expect(changed.statusCode, changed.body).toBe(303)
    expect((await rows())[0]).toMatchObject({ m: null, b: expect.any(Number), eventTypes: '["mote"]', leadDays: null, digest: 0, active: 1 })

    const deleted = await post(kari, `/mine-varsler/${id}/slett`, {})
    expect(deleted.statusCode).toBe(303)
    expect((await rows())[0]).toMatchObject({ deleted: 1, active: 0 })
    const after = await follow(kari, deleted)
    expect(after).toContain('Varselet er slettet.')
    expect(after).toContain('Du har ingen varsler ennå.')

    const audit = await t.sql.all('select action, actor, user_id as "userId" from audit_log where entity_type = \'subscription\' and entity_id = ? order by id', String(id))
    expect(audit).toEqual(['create', 'update', 'delete'].map(action => ({ action, actor: 'Kari Nordmann <kari@oyer.kommune.no>', userId: kari.userId })))
  })

  it('a person with no role at all sets up her weekly digest too (any signed-in person manages her own)', async () => {
    const per = await signIn(t, 'per@example.no', [], 'Per Publikum')
    const res = await post(per, '/mine-varsler', weeklyOyer)
    expect(res.statusCode, res.body).toBe(303)
    expect(await rows()).toEqual([expect.objectContaining({ userId: per.userId, digest: 1, email: 'per@example.no' })])
  })

  it("another person's reminder is 404 to open, change and delete, and stays unchanged", async () => {
    expect((await post(kari, '/mine-varsler', weeklyOyer)).statusCode).toBe(303)
    const id = (await rows())[0]!.id as number
    const ola = await signIn(t, 'ola@gausdal.kommune.no', [{ role: 'admin' }], 'Ola')
    const before = await t.snapshot()
    expect((await t.app.inject({ url: `/mine-varsler/${id}`, headers: ola.headers })).statusCode).toBe(404)
    const change = await post(ola, `/mine-varsler/${id}`, { ...weeklyOyer, aktiv: '' })
    expect(change.statusCode).toBe(404)
    expect(change.body).toContain('Varselet finnes ikke, eller det er ikke ditt.')
    expect((await post(ola, `/mine-varsler/${id}/slett`, {})).statusCode).toBe(404)
    expect(await t.snapshot()).toBe(before)
    // Nor is it in the operators' API.
    const api = await t.app.inject({ url: `/api/v1/subscriptions/${id}`, headers: t.auth(t.tokens.admin) })
    expect(api.statusCode).toBe(404)
  })

  it.each([
    ['nothing to follow', 'folg', 'Velg hva du vil følge', { ...weeklyOyer, folg: '' }],
    ['an unknown municipality', 'folg', 'Ukjent kommune «atlantis»', { ...weeklyOyer, folg: 'kommune:atlantis' }],
    ['no kind of event', 'art', 'Velg «Alle hendelser» eller minst én type hendelse.', { ...weeklyOyer, art: [] }],
    ['own lead times without any', 'dager', 'Velg minst ett tidspunkt før fristen', { ...weeklyOyer, varsling: 'egne' }],
    ['a lead time not offered', 'dager', '5 dager er ikke et valg', { ...weeklyOyer, varsling: 'egne', dager: ['5'] }],
    ['a digest of a collaboration', 'ukeoversikt', 'Ukeoversikten gjelder én kommune', { ...weeklyOyer, folg: 'samarbeid:borgerlig-vigsel' }],
  ] as Array<[string, string, string, Record<string, string | string[]>]>)('%s: 400, the form again naming %s, values kept, nothing changed', async (_what, field, message, form) => {
    const before = await t.snapshot()
    const res = await post(kari, '/mine-varsler', form)
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('class="error-summary"')
    expect(res.body).toContain(`id="${field}-feil"`)
    expect(res.body).toContain(message)
    // The values are kept: the digest box is still ticked.
    expect(res.body).toMatch(/id="ukeoversikt"[^>]*checked/)
    expect(await t.snapshot()).toBe(before)
  })

  it('a private body she may not see is refused naming the field, and is not offered', async () => {
    await t.sql.run("update body set feed_visibility = 'private' where slug = 'gausdal-kontrollutvalg'")
    const page = await t.app.inject({ url: '/mine-varsler', headers: kari.headers })
    expect(page.body).not.toContain('organ:gausdal-kontrollutvalg')
    const before = await t.snapshot()
    const res = await post(kari, '/mine-varsler', { ...weeklyOyer, folg: 'organ:gausdal-kontrollutvalg' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('id="folg-feil"')
    expect(res.body).toContain('lukket organ du ikke har tilgang til')
    expect(await t.snapshot()).toBe(before)
  })

  it('a post without the CSRF token, or with a wrong one, is 403 and changes nothing', async () => {
    expect((await post(kari, '/mine-varsler', weeklyOyer)).statusCode).toBe(303)
    const id = (await rows())[0]!.id as number
    const before = await t.snapshot()
    for (const [url, form] of [['/mine-varsler', weeklyOyer], [`/mine-varsler/${id}`, { ...weeklyOyer, aktiv: '' }], [`/mine-varsler/${id}/slett`, {}]] as const) {
      expect((await post(kari, url, form, null)).statusCode).toBe(403)
      expect((await post(kari, url, form, 'feil-token')).statusCode).toBe(403)
    }
    expect(await t.snapshot()).toBe(before)
  })

  it('the token on the page works for the next post', async () => {
    const page = await t.app.inject({ url: '/mine-varsler', headers: kari.headers })
    expect((await post(kari, '/mine-varsler', weeklyOyer, csrfOf(page.body))).statusCode).toBe(303)
  })
})
