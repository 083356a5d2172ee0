// The register's edit pages (issue 14): a collaboration and a body edited by a signed-in editor through the same
// services as the API; the feed secret rotated and shown once; refusals that change nothing; the audit names the person.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { csrfOf, signIn } from '../helpers/people.js'
import { readCollaborationForm } from '../../src/routes/register-pages.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp() })
afterEach(async () => { await t.close() })

const kari = () => signIn(t, 'kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }], 'Kari Nordmann')

/** A collaboration Øyer takes part in, and one it has nothing to do with. */
async function collaborations () {
  const all = await t.services.collaborations.listAll()
  const involves = (c: typeof all[number], slug: string) => c.participants.some(p => p.slug === slug) || c.host?.slug === slug
  const oyer = all.find(c => c.status === 'active' && involves(c, 'oyer') && c.participants.length >= 2)!
  const notOyer = all.find(c => !involves(c, 'oyer'))!
  return { oyer, notOyer }
}

/** The form fields of a page's edit form, as a browser would send them unchanged. */
function formFields (html: string): Record<string, string> {
  const form = /<form method="post" action="\/samarbeid\/[^"]+\/rediger"[\s\S]*?<\/form>/.exec(html)![0]
  const out: Record<string, string> = {}
  const unescape = (v: string) => v.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
  for (const m of form.matchAll(/<input type="(?:hidden|text|date)"[^>]*?name="([^"]+)" value="([^"]*)"/g)) out[m[1]!] = unescape(m[2]!)
  for (const m of form.matchAll(/<input type="text" inputmode="decimal" id="[^"]+" name="([^"]+)" value="([^"]*)"/g)) out[m[1]!] = unescape(m[2]!)
  for (const m of form.matchAll(/<input type="radio" id="[^"]+" name="([^"]+)" value="([^"]+)" checked>/g)) out[m[1]!] = m[2]!
  for (const m of form.matchAll(/<select id="[^"]+" name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) out[m[1]!] = /<option value="([^"]*)" selected>/.exec(m[2]!)?.[1] ?? /<option value="([^"]*)"/.exec(m[2]!)![1]!
  const ta = /<textarea id="kommentar" name="kommentar"[^>]*>([\s\S]*?)<\/textarea>/.exec(form)
  out.kommentar = unescape(ta?.[1] ?? '')
  return out
}

describe('editing a collaboration', () => {
  it('an Øyer editor changes name, form, Øyer\'s role and share, status, terminated date and comment; the audit names her', async () => {
    const k = await kari()
    const { oyer } = await collaborations()
    const page = await t.app.inject({ url: `/samarbeid/${oyer.slug}/rediger`, headers: k.headers })
    expect(page.statusCode, page.body).toBe(200)
    const fields = formFields(page.body)
    expect(fields.navn).toBe(oyer.name)
    expect(fields['d0-kommune']).toBe(oyer.participants[0]!.slug)
    const i = oyer.participants.findIndex(p => p.slug === 'oyer')
    const res = await t.app.inject({
      method: 'POST',
      url: `/samarbeid/${oyer.slug}/rediger`,
      headers: k.headers,
      payload: { ...fields, navn: `${oyer.name} (nytt navn)`, form: 'iks', [`d${i}-rolle`]: 'eier', [`d${i}-andel`]: '12,5', status: 'terminated', avsluttet: '2026-12-31', kommentar: 'Avviklet etter vedtak i representantskapet.' },
    })
    expect(res.statusCode, res.body).toBe(303)
    const after = await t.services.collaborations.get(oyer.slug)
    expect(after).toMatchObject({ name: `${oyer.name} (nytt navn)`, legalForm: 'iks', status: 'terminated', terminatedOn: '2026-12-31', comment: 'Avviklet etter vedtak i representantskapet.' })
    expect(after.participants.find(p => p.slug === 'oyer')).toMatchObject({ role: 'eier', ownershipShare: 12.5 })
    expect(after.participants).toHaveLength(oyer.participants.length)
    const audit = await t.sql.get('select actor, user_id as "userId" from audit_log where entity_type = \'collaboration\' order by id desc limit 1')
    expect(audit).toEqual({ actor: 'Kari Nordmann <kari@oyer.kommune.no>', userId: k.userId })

    // Another municipality's participation is that municipality's to change: a clear 403, nothing changes.
    const before = await t.snapshot()
    const j = oyer.participants.findIndex(p => p.slug !== 'oyer')
    const fresh = formFields((await t.app.inject({ url: `/samarbeid/${oyer.slug}/rediger`, headers: k.headers })).body)
    const denied = await t.app.inject({ method: 'POST', url: `/samarbeid/${oyer.slug}/rediger`, headers: k.headers, payload: { ...fresh, [`d${j}-andel`]: '50' } })
    expect(denied.statusCode).toBe(403)
    expect(denied.body).toContain('Du kan bare endre det din egen kommune eier eller deltar i')
    expect(await t.snapshot()).toBe(before)
  })

  it('an admin sets the host, adds and removes participants through the blank rows and the «Fjern» box', async () => {
    const admin = await signIn(t, 'admin@region.no', [{ role: 'admin' }], 'Ada Admin')
    const { oyer } = await collaborations()
    const fields = formFields((await t.app.inject({ url: `/samarbeid/${oyer.slug}/rediger`, headers: admin.headers })).body)
    const n = oyer.participants.length
    const removed = oyer.participants.find(p => p.slug !== 'oyer')!
    const { items } = await t.services.municipalities.list({ limit: 1000, offset: 0 })
    const candidate = items.find(m => !oyer.participants.some(p => p.slug === m.slug))!
    const res = await t.app.inject({
      method: 'POST',
      url: `/samarbeid/${oyer.slug}/rediger`,
      headers: admin.headers,
      payload: { ...fields, vert: 'oyer', [`d${oyer.participants.indexOf(removed)}-fjern`]: '1', [`d${n}-kommune`]: candidate.slug, [`d${n}-rolle`]: 'deltaker' },
    })
    expect(res.statusCode, res.body).toBe(303)
    const after = await t.services.collaborations.get(oyer.slug)
    expect(after.host?.slug).toBe('oyer')
    const slugs = after.participants.map(p => p.slug)
    expect(slugs).toContain(candidate.slug)
    expect(slugs).not.toContain(removed.slug)
  })

  it('bad values re-render the form (400) naming each field, values kept; nothing changes', async () => {
    const k = await kari()
    const { oyer } = await collaborations()
    const fields = formFields((await t.app.inject({ url: `/samarbeid/${oyer.slug}/rediger`, headers: k.headers })).body)
    const before = await t.snapshot()
    const res = await t.app.inject({
      method: 'POST',
      url: `/samarbeid/${oyer.slug}/rediger`,
      headers: k.headers,
      payload: { ...fields, navn: '', 'd0-andel': '150', avsluttet: '2026-02-30', kommentar: 'Beholdt tekst' },
    })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('Noe må rettes')
    expect(res.body).toContain('<a href="#navn">Navn mangler.</a>')
    expect(res.body).toContain('eierandelen «150» må være et tall fra 0 til 100')
    expect(res.body).toContain('Avsluttet dato «2026-02-30» er ikke en gyldig dato')
    expect(res.body).toContain('>Beholdt tekst</textarea>')
    expect(res.body).toMatch(/id="navn"[^>]*aria-describedby="navn-feil"[^>]*aria-invalid="true"/)
    const active = await t.app.inject({ method: 'POST', url: `/samarbeid/${oyer.slug}/rediger`, headers: k.headers, payload: { ...fields, status: 'active', avsluttet: '2026-01-01' } })
    expect(active.statusCode).toBe(400)
    expect(active.body).toContain('Et aktivt samarbeid har ingen avsluttet dato')
    expect(await t.snapshot()).toBe(before)
  })

  it('an Øyer editor on a collaboration Øyer is not in: 403 page, nothing changes; without CSRF: 403', async () => {
    const k = await kari()
    const { oyer, notOyer } = await collaborations()
    const page = await t.app.inject({ url: `/samarbeid/${notOyer.slug}/rediger`, headers: k.headers })
    expect(page.statusCode).toBe(403)
    expect(page.body).toContain('Ikke tillatt')
    const before = await t.snapshot()
    const post = await t.app.inject({ method: 'POST', url: `/samarbeid/${notOyer.slug}/rediger`, headers: k.headers, payload: { _csrf: k.csrf, navn: 'Kapret', form: 'iks', status: 'active', rader: '0' } })
    expect(post.statusCode).toBe(403)
    const fields = formFields((await t.app.inject({ url: `/samarbeid/${oyer.slug}/rediger`, headers: k.headers })).body)
    const { _csrf: _drop, ...noToken } = fields
    expect((await t.app.inject({ method: 'POST', url: `/samarbeid/${oyer.slug}/rediger`, headers: k.headers, payload: { ...noToken, navn: 'Uten token' } })).statusCode).toBe(403)
    expect(await t.snapshot()).toBe(before)
    // Not signed in: the page sends the reader to sign in and back.
    const anon = await t.app.inject(`/samarbeid/${oyer.slug}/rediger`)
    expect(anon.statusCode).toBe(303)
    expect(anon.headers.location).toBe(`/logg-inn?tilbake=${encodeURIComponent(`/samarbeid/${oyer.slug}/rediger`)}`)
  })

  it('links to the edit pages where a signed-in editor sees the collaboration and the bodies', async () => {
    const k = await kari()
    const { oyer } = await collaborations()
    const kommune = await t.app.inject({ url: '/kommune?municipality=oyer', headers: k.headers })
    expect(kommune.body).toContain(`href="/samarbeid/${oyer.slug}/rediger"`)
    expect(kommune.body).toContain('href="/organ/oyer-kommunestyre/rediger"')
    expect(kommune.body).toContain('href="/moteplan/oyer-kommunestyre"')
    const anon = await t.app.inject('/kommune?municipality=oyer')
    expect(anon.body).not.toContain('/rediger"')
  })
})

describe('editing a body', () => {
  it('makes the body private, rotates its feed secret: the new address is shown once, the old one stops working', async () => {
    const k = await kari()
    const BODY = 'oyer-formannskap'
    const page = await t.app.inject({ url: `/organ/${BODY}/rediger`, headers: k.headers })
    expect(page.statusCode, page.body).toBe(200)
    const priv = await t.app.inject({ method: 'POST', url: `/organ/${BODY}/rediger`, headers: k.headers, payload: { _csrf: csrfOf(page.body), synlighet: 'private' } })
    expect(priv.statusCode, priv.body).toBe(303)
    expect((await t.services.bodies.get(BODY)).feedVisibility).toBe('private')
    expect((await t.app.inject(`/feeds/bodies/${BODY}.ics`)).statusCode).toBe(404)

    const first = await t.app.inject({ method: 'POST', url: `/organ/${BODY}/ny-kalenderadresse`, headers: k.headers, payload: { _csrf: k.csrf } })
    expect(first.statusCode, first.body).toBe(200)
    expect(first.headers['cache-control']).toContain('no-store')
    expect(first.body).toContain('Den gamle adressen virker ikke lenger.')
    const oldUrl = /value="https:\/\/arshjul\.test(\/feeds\/bodies\/[^"]+)"/.exec(first.body)![1]!.replace(/&amp;/g, '&')
    expect((await t.app.inject(oldUrl)).statusCode).toBe(200)

    const second = await t.app.inject({ method: 'POST', url: `/organ/${BODY}/ny-kalenderadresse`, headers: k.headers, payload: { _csrf: k.csrf } })
    const newUrl = /value="https:\/\/arshjul\.test(\/feeds\/bodies\/[^"]+)"/.exec(second.body)![1]!.replace(/&amp;/g, '&')
    expect(newUrl).not.toBe(oldUrl)
    expect(second.body).toContain(`href="webcal://arshjul.test${newUrl.replace(/&/g, '&amp;')}"`)
    expect([403, 404]).toContain((await t.app.inject(oldUrl)).statusCode)
    expect((await t.app.inject(newUrl)).statusCode).toBe(200)
    // The address is on that reply only: the edit page does not show it again.
    const again = await t.app.inject({ url: `/organ/${BODY}/rediger`, headers: k.headers })
    expect(again.body).not.toContain(newUrl.split('token=')[1]!)
    const audit = await t.sql.all('select action, actor, user_id as "userId" from audit_log where entity_type = \'body\' order by id')
    expect(audit).toEqual([
      { action: 'update', actor: 'Kari Nordmann <kari@oyer.kommune.no>', userId: k.userId },
      { action: 'rotate_feed_secret', actor: 'Kari Nordmann <kari@oyer.kommune.no>', userId: k.userId },
      { action: 'rotate_feed_secret', actor: 'Kari Nordmann <kari@oyer.kommune.no>', userId: k.userId },
    ])
  })

  it('an Øyer editor on a Gausdal body: 403 on the page, the visibility and the secret; nothing changes', async () => {
    const k = await kari()
    const before = await t.snapshot()
    expect((await t.app.inject({ url: '/organ/gausdal-formannskap/rediger', headers: k.headers })).statusCode).toBe(403)
    expect((await t.app.inject({ method: 'POST', url: '/organ/gausdal-formannskap/rediger', headers: k.headers, payload: { _csrf: k.csrf, synlighet: 'private' } })).statusCode).toBe(403)
    const rotate = await t.app.inject({ method: 'POST', url: '/organ/gausdal-formannskap/ny-kalenderadresse', headers: k.headers, payload: { _csrf: k.csrf } })
    expect(rotate.statusCode).toBe(403)
    expect(rotate.body).not.toContain('token=')
    expect((await t.app.inject({ method: 'POST', url: '/organ/oyer-formannskap/ny-kalenderadresse', headers: k.headers, payload: {} })).statusCode).toBe(403)
    expect(await t.snapshot()).toBe(before)
  })

  it('a missing choice re-renders the page (400) naming the field', async () => {
    const k = await kari()
    const before = await t.snapshot()
    const res = await t.app.inject({ method: 'POST', url: '/organ/oyer-formannskap/rediger', headers: k.headers, payload: { _csrf: k.csrf } })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('<a href="#synlighet-public">Velg om organets kalender er åpen eller privat.</a>')
    expect(await t.snapshot()).toBe(before)
  })
})

describe('readCollaborationForm', () => {
  const known = new Set(['oyer', 'gausdal', 'lillehammer'])
  const base = { navn: 'Samarbeid', form: 'iks', vert: '', status: 'active', avsluttet: '', kommentar: '', rader: '3' }
  it('reads participants: blank rows skipped, «fjern» drops a row, shares with comma', () => {
    const r = readCollaborationForm({ ...base, 'd0-kommune': 'oyer', 'd0-rolle': 'eier', 'd0-andel': '33,3', 'd1-kommune': 'gausdal', 'd1-fjern': '1', 'd2-kommune': '' }, known)
    expect(r).toEqual({ patch: { name: 'Samarbeid', legalForm: 'iks', hostMunicipality: null, status: 'active', terminatedOn: null, comment: null, participants: [{ municipality: 'oyer', role: 'eier', ownershipShare: 33.3 }] } })
  })
  it('names every problem', () => {
    const r = readCollaborationForm({ ...base, form: 'x', vert: 'oslo', 'd0-kommune': 'oyer', 'd1-kommune': 'oyer', 'd2-kommune': 'bergen' }, known)
    expect('problems' in r && r.problems.map(p => p.field)).toEqual(['form', 'vert', 'd1-kommune', 'd2-kommune'])
  })
})
