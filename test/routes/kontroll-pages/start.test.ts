import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../helpers/app.js'
import { signIn, type SignedIn } from '../../helpers/people.js'
import { loadDemoKontroll, readDemoKontroll, DEMO_ACTOR } from '../../../src/kontroll/demo.js'
import { systemViewer } from '../../../src/services/access.js'
import type { PlanView } from '../../../src/services/kontroll/shared.js'

// The secretariat's start page (issue 15, item 1): GET /kontroll over inject. The Chromium test drives the same page.
const NOW = '2026-12-01T10:00:00Z'
let t: TestApp
beforeEach(async () => { t = await buildTestApp({ now: NOW }) })
afterEach(async () => { await t.close() })

const get = (who: SignedIn | null, url = '/kontroll') => t.app.inject({ url, headers: who?.headers ?? {} })
/** The sections on the page, by kontrollutvalg slug, in order. */
const sections = (html: string) => [...html.matchAll(/data-kontrollutvalg="([^"]+)"/g)].map(m => m[1])
/** One kontrollutvalg's section of the page. */
function section (html: string, slug: string): string {
  const start = html.indexOf(`data-kontrollutvalg="${slug}"`)
  expect(start, `section ${slug}`).toBeGreaterThan(0)
  const end = html.indexOf('</section>', start)
  return html.slice(start, end)
}
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
const sekretariat = (...kus: string[]) => kus.map(kontrollutvalg => ({ role: 'sekretariat' as const, kontrollutvalg }))

async function planOf (body: string, type: 'forvaltningsrevisjon' | 'eierskapskontroll'): Promise<PlanView> {
  const p = (await t.services.kontroll.plans.list(systemViewer, { electionYear: 2023, body, type })).items[0]
  expect(p && 'title' in p).toBe(true)
  return p as PlanView
}

describe('GET /kontroll', () => {
  it('sends someone not signed in to sign in and back', async () => {
    const res = await get(null)
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/logg-inn?tilbake=%2Fkontroll')
  }, 60_000)

  it('shows a sekretariat exactly its own kontrollutvalg: plans, uncovered companies, late projects, overdue items and the next meetings', async () => {
    await loadDemoKontroll(t.services.kontroll, readDemoKontroll(), DEMO_ACTOR)
    const sek = await signIn(t, 'sek@example.no', sekretariat('gausdal-kontrollutvalg'), 'Siri Sekretær')
    const res = await get(sek)
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('private, no-store')
    expect(sections(res.body)).toEqual(['gausdal-kontrollutvalg'])
    const html = section(res.body, 'gausdal-kontrollutvalg')
    expect(html).toContain('<h2 id="ku-gausdal-kontrollutvalg-tittel">Kontrollutvalget i Gausdal</h2>')
    expect(res.body).toContain('valgperioden 2023–2027')

    // The plans: Gausdal's own forvaltningsrevisjon plan and the joint eierskapskontroll plan, both adopted by the council.
    const fr = await planOf('gausdal-kontrollutvalg', 'forvaltningsrevisjon')
    const ek = await planOf('gausdal-kontrollutvalg', 'eierskapskontroll')
    const frRow = /<tr data-plan-type="forvaltningsrevisjon"[\s\S]*?<\/tr>/.exec(html)![0]
    expect(frRow).toContain('data-plan-state="adopted_ks"')
    expect(frRow).toContain(`href="/kontroll/plan/${fr.id}"`)
    expect(text(frRow)).toContain('Vedtatt i kommunestyret')
    expect(text(frRow)).toContain('31. desember 2024')
    expect(text(frRow)).toContain('Kontrollutvalget 5. mars 2024, KU-sak 24/06')
    expect(text(frRow)).toContain('Kommunestyret 18. april 2024, KS-sak 24/29')
    const ekRow = /<tr data-plan-type="eierskapskontroll"[\s\S]*?<\/tr>/.exec(html)![0]
    expect(ekRow).toContain(`href="/kontroll/plan/${ek.id}"`)
    expect(text(ekRow)).toContain('Felles plan med Kontrollutvalget i Lillehammer, Kontrollutvalget i Øyer')
    expect(text(ekRow)).toContain('Kommunestyret 28. november 2024, KS-sak 24/118')
    // Both plans exist: no «Lag plan»; the ranked list is one link away, and each company without control can be scored.
    expect(html).not.toContain('>Lag plan<')
    expect((html.match(/href="\/kontroll\/gausdal-kontrollutvalg\/planlegg"/g) ?? []).length).toBe(1)
    expect(html).toContain('href="/kontroll/gausdal-kontrollutvalg/analyse?valgperiode=2023"')
    expect(html).toContain('href="/kontroll/gausdal-kontrollutvalg/analyse/vurder?valgperiode=2023&amp;selskap=ikomm-as"')

    // Owned companies with no control this period: the coverage service's flagged rows, every one of them.
    const coverage = (await t.services.kontroll.coverage.coverage(systemViewer, { electionYear: 2023, municipality: 'gausdal' })).municipalities[0]!
    const flagged = coverage.collaborations.filter(r => r.flagged).map(r => r.collaboration.name)
    expect(flagged).toContain('Skåppå kunnskapspark')
    for (const name of flagged) expect(html).toContain(`<strong>${name}</strong>`)
    expect(html).toContain('href="/kontroll/gausdal-kontrollutvalg/dekning"')

    // Projects behind schedule, each linking to its project page.
    const review = await t.services.kontroll.coverage.review(systemViewer, fr.id, '2026-12-01')
    const brann = review.behindSchedule.find(b => b.project.title.startsWith('Felles brann'))!
    expect(html).toContain(`<a href="/kontroll/plan/${fr.id}/prosjekt/${brann.project.id}">Felles brann- og feiertjeneste – forebyggende arbeid</a>`)
    expect(text(html)).toContain('skulle vært rapportert innen 30. juni 2026, 154 dager på etterskudd')

    // Overdue: the follow-up of the home-care report, due 31 October 2026, with its own page.
    const [followUp] = await t.services.occurrences.list({ municipality: 'gausdal', from: '2026-10-31', to: '2026-10-31', eventTypes: ['oppfolging_vedtak'] }, systemViewer)
    expect(followUp!.title).toBe('Oppfølging av vedtak: Kvalitet og bemanning i hjemmetjenesten')
    const row = new RegExp(`<tr data-occurrence-id="${followUp!.id}">[\\s\\S]*?</tr>`).exec(html)![0]
    expect(row).toContain(`href="/hendelse/${followUp!.id}"`)
    expect(text(row)).toContain('31. oktober 2026')
    expect(text(row)).toContain('31 dager')
    // Only kontroll matters: not the municipality's årsregnskap.
    expect(html).not.toContain('Årsregnskapet avlagt')

    // The next meetings of the kontrollutvalg, in Oslo wall time, at most five.
    const meetings = [...html.matchAll(/<li><a href="\/hendelse\/([^"]+)"><time datetime="(\d{4}-\d\d-\d\d)">([^<]+)<\/time><\/a> (kl\. \d\d\.\d\d)<\/li>/g)]
    expect(meetings.length).toBe(5)
    expect(meetings.every(m => m[2]! > '2026-12-01')).toBe(true)
    expect(meetings[0]![3]).toBe('Onsdag 10. februar 2027 (foreløpig)')
    expect(meetings[0]![4]).toBe('kl. 09.00')

    // Every workspace link on the section leads to a page (the plan, project and coverage pages), and an overdue item's too.
    const links = [...new Set([...html.matchAll(/href="(\/kontroll\/[^"#]+)"/g)].map(m => m[1]!))]
    expect(links.length).toBeGreaterThanOrEqual(5)
    for (const url of [...links, `/hendelse/${followUp!.id}`]) expect((await get(sek, url.replace(/&amp;/g, '&'))).statusCode, url).toBe(200)
  }, 60_000)

  it('shows a sekretariat serving two kontrollutvalg both, and nobody else’s', async () => {
    const sek = await signIn(t, 'sek2@example.no', sekretariat('oyer-kontrollutvalg', 'gausdal-kontrollutvalg'))
    const res = await get(sek)
    expect(res.statusCode).toBe(200)
    expect(sections(res.body)).toEqual(['gausdal-kontrollutvalg', 'oyer-kontrollutvalg'])
    expect(res.body).toContain('<nav class="ku-jump" aria-label="Kontrollutvalgene på siden">')
    // No plans yet: «Lag plan» for each kind, for the kontrollutvalg it serves.
    for (const slug of ['gausdal-kontrollutvalg', 'oyer-kontrollutvalg']) {
      const html = section(res.body, slug)
      expect((html.match(/>Lag plan</g) ?? []).length).toBe(2)
      expect((html.match(new RegExp(`href="/kontroll/${slug}/planlegg"`, 'g')) ?? []).length).toBe(3)
      expect((html.match(/data-plan-state="none"/g) ?? []).length).toBe(2)
      expect(text(html)).toContain('Ikke påbegynt')
      expect(html).not.toContain('Du kan lese, men ikke endre')
    }
    expect((await get(sek, '/kontroll/gausdal-kontrollutvalg/planlegg')).statusCode).toBe(200)
  }, 60_000)

  it('shows an editor its municipality’s kontrollutvalg, read only; an admin every one, with write links', async () => {
    await loadDemoKontroll(t.services.kontroll, readDemoKontroll(), DEMO_ACTOR)
    await t.services.kontroll.plans.remove(DEMO_ACTOR, (await planOf('oyer-kontrollutvalg', 'forvaltningsrevisjon')).id)
    const editor = await signIn(t, 'kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }])
    const res = await get(editor)
    expect(res.statusCode).toBe(200)
    expect(sections(res.body)).toEqual(['oyer-kontrollutvalg'])
    const html = section(res.body, 'oyer-kontrollutvalg')
    expect(html).toContain('Du kan lese, men ikke endre')
    expect(/<tr data-plan-type="forvaltningsrevisjon" data-plan-state="none">/.test(html)).toBe(true)
    expect(res.body).not.toContain('/planlegg')
    expect(res.body).not.toContain('/analyse/vurder')
    expect(html).not.toContain('<form')
    // The joint plan shows for Øyer too, with Øyer's own adoption.
    expect(text(html)).toContain('Felles plan med Kontrollutvalget i Lillehammer, Kontrollutvalget i Gausdal')

    const admin = await signIn(t, 'admin@example.no', [{ role: 'admin' }])
    const all = await get(admin)
    expect(sections(all.body)).toEqual(['gausdal-kontrollutvalg', 'lillehammer-kontrollutvalg', 'oyer-kontrollutvalg'])
    expect(all.body).not.toContain('Du kan lese, men ikke endre')
    expect(section(all.body, 'oyer-kontrollutvalg')).toContain('href="/kontroll/oyer-kontrollutvalg/planlegg"')
    expect(section(all.body, 'gausdal-kontrollutvalg')).not.toContain('>Lag plan<')

    // Signed in with no role: every kontrollutvalg of the region, read only.
    const reader = await signIn(t, 'leser@example.no', [])
    const read = await get(reader)
    expect(sections(read.body)).toEqual(['gausdal-kontrollutvalg', 'lillehammer-kontrollutvalg', 'oyer-kontrollutvalg'])
    expect((read.body.match(/Du kan lese, men ikke endre/g) ?? []).length).toBe(3)
    expect(read.body).not.toContain('/planlegg')
  }, 60_000)

  it('shows a joint plan in every member’s section with that member’s own adoption, and a revision as a draft with the earlier version in force', async () => {
    const plan = await t.services.kontroll.plans.create(DEMO_ACTOR, { type: 'eierskapskontroll', electionYear: 2023, title: 'Felles plan for eierskapskontroll', bodies: ['gausdal-kontrollutvalg', 'oyer-kontrollutvalg'] })
    await t.services.kontroll.plans.recordAdoption(DEMO_ACTOR, plan.id, 'gausdal-kontrollutvalg', { kuAdoptedOn: '2024-09-10', kuCaseRef: 'KU-sak 24/31', ksAdoptedOn: '2024-11-28', ksCaseRef: 'KS-sak 24/118' })
    await t.services.kontroll.plans.recordAdoption(DEMO_ACTOR, plan.id, 'oyer-kontrollutvalg', { kuAdoptedOn: '2024-09-12', kuCaseRef: 'KU-sak 24/40' })
    const sek = await signIn(t, 'sek2@example.no', sekretariat('gausdal-kontrollutvalg', 'oyer-kontrollutvalg'))
    const row = (html: string, slug: string) => text(/<tr data-plan-type="eierskapskontroll"[\s\S]*?<\/tr>/.exec(section(html, slug))![0])
    const stateOf = (html: string, slug: string) => /<tr data-plan-type="eierskapskontroll" data-plan-state="([a-z_]+)"/.exec(section(html, slug))![1]
    const page = (await get(sek)).body
    expect(stateOf(page, 'gausdal-kontrollutvalg')).toBe('adopted_ks')
    expect(row(page, 'gausdal-kontrollutvalg')).toContain('Felles plan med Kontrollutvalget i Øyer')
    expect(row(page, 'gausdal-kontrollutvalg')).toContain('Kommunestyret 28. november 2024, KS-sak 24/118')
    expect(row(page, 'gausdal-kontrollutvalg')).not.toContain('fristen er passert')
    expect(stateOf(page, 'oyer-kontrollutvalg')).toBe('adopted_ku')
    expect(row(page, 'oyer-kontrollutvalg')).toContain('Felles plan med Kontrollutvalget i Gausdal')
    expect(row(page, 'oyer-kontrollutvalg')).toContain('Kontrollutvalget 12. september 2024, KU-sak 24/40')
    expect(row(page, 'oyer-kontrollutvalg')).not.toContain('KS-sak 24/118')
    expect(row(page, 'oyer-kontrollutvalg')).toContain('(fristen er passert)')

    await t.services.kontroll.plans.recordAdoption(DEMO_ACTOR, plan.id, 'oyer-kontrollutvalg', { ksAdoptedOn: '2024-12-12', ksCaseRef: 'KS-sak 24/130' })
    await t.services.kontroll.plans.revise(DEMO_ACTOR, plan.id, { reason: 'Eierskapskontroll av Skåppå kunnskapspark' })
    const revised = (await get(sek)).body
    for (const slug of ['gausdal-kontrollutvalg', 'oyer-kontrollutvalg']) {
      expect(stateOf(revised, slug)).toBe('draft')
      expect(row(revised, slug)).toContain('Revidert plan, versjon 2; versjon 1 gjelder til revisjonen er vedtatt')
      expect(row(revised, slug)).not.toContain('fristen er passert')
    }
  }, 60_000)

  it('shows another valgperiode on request, and refuses one that is not an election year naming the field', async () => {
    await loadDemoKontroll(t.services.kontroll, readDemoKontroll(), DEMO_ACTOR)
    const sek = await signIn(t, 'sek@example.no', sekretariat('gausdal-kontrollutvalg'))
    const earlier = await get(sek, '/kontroll?valgperiode=2019')
    expect(earlier.statusCode).toBe(200)
    expect(earlier.body).toContain('valgperioden 2019–2023')
    expect(earlier.body).toContain('<option value="2019" selected>2019–2023</option>')
    expect((section(earlier.body, 'gausdal-kontrollutvalg').match(/data-plan-state="none"/g) ?? []).length).toBe(2)
    expect(text(earlier.body)).toContain('31. desember 2020')
    expect(earlier.body).toContain('href="/kontroll/gausdal-kontrollutvalg/dekning?valgperiode=2019"')
    const before = await t.snapshot()
    for (const bad of ['2024', 'abc', '2035', '1991']) {
      const res = await get(sek, `/kontroll?valgperiode=${bad}`)
      expect(res.statusCode, bad).toBe(400)
      expect(text(res.body)).toContain(`Valgperiode: «${bad}» er ikke et valgår`)
    }
    expect(await t.snapshot()).toBe(before)
  }, 60_000)

  it('Overdue items from an earlier year appear on the start page until done', async () => {
    // Gausdal tracked since before the 2023 constitution, and no eierskapskontroll plan adopted for 2023–2027:
    // the plan was due 31 December 2024, and on 1 December 2026 it is 700 days overdue.
    await t.services.municipalities.update(DEMO_ACTOR, 'gausdal', { trackingFrom: '2023-10-01' })
    const [adoption] = await t.services.occurrences.list({ municipality: 'gausdal', from: '2024-12-31', to: '2024-12-31', eventTypes: ['plan_eierskapskontroll'] }, systemViewer)
    expect(adoption).toMatchObject({ overdue: true, daysOverdue: 700 })
    const sek = await signIn(t, 'sek@example.no', sekretariat('gausdal-kontrollutvalg'))
    const res = await get(sek)
    const html = section(res.body, 'gausdal-kontrollutvalg')
    const row = new RegExp(`<tr data-occurrence-id="${adoption!.id}">[\\s\\S]*?</tr>`).exec(html)?.[0]
    expect(row, 'the 2024 plan adoption on the 2026 start page').toBeDefined()
    expect(row).toContain(`href="/hendelse/${adoption!.id}"`)
    expect(text(row!)).toContain('Plan for eierskapskontroll')
    expect(text(row!)).toContain('31. desember 2024 (tidligere år)')
    expect(text(row!)).toContain('700 dager')
    expect(text(/<tr data-plan-type="eierskapskontroll"[\s\S]*?<\/tr>/.exec(html)![0])).toContain('(fristen er passert)')

    await t.services.occurrences.change(adoption!.id, { status: 'delivered', deliveredOn: '2026-11-30', caseNumber: 'KU-sak 26/40' }, DEMO_ACTOR)
    const after = section((await get(sek)).body, 'gausdal-kontrollutvalg')
    expect(after).not.toContain(`data-occurrence-id="${adoption!.id}"`)
    // The forvaltningsrevisjon plan, due the same day and still not done, stays.
    const [fr] = await t.services.occurrences.list({ municipality: 'gausdal', from: '2024-12-31', to: '2024-12-31', eventTypes: ['plan_forvaltningsrevisjon'] }, systemViewer)
    expect(after).toContain(`data-occurrence-id="${fr!.id}"`)
  }, 60_000)
})
