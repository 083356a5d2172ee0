import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { DEMO_ACTOR, loadDemoKontroll, readDemoKontroll } from '../../src/kontroll/demo.js'
import { systemViewer } from '../../src/services/access.js'
import { overdueReachFrom } from '../../src/services/reports.js'
import type { ProjectView } from '../../src/services/kontroll/shared.js'

// /oppfolging and the kontrollutvalg's projects (issue 15): a late project step is named as the step of its
// project and links to the project's page, and what is overdue reaches back as far as the overdue report may, so an
// earlier year's item stays until it is done.
const NOW = '2026-12-01T10:00:00Z'
let t: TestApp
let late: ProjectView

beforeAll(async () => {
  t = await buildTestApp({ now: NOW })
  await loadDemoKontroll(t.services.kontroll, readDemoKontroll(), DEMO_ACTOR)
  const plan = ((await t.services.kontroll.plans.list(systemViewer, { electionYear: 2023, type: 'eierskapskontroll' })).items as Array<{ id: number; title: string }>).find(p => p.title.startsWith('Felles plan'))!
  late = ((await t.services.kontroll.projects.list(systemViewer, plan.id)).items as ProjectView[]).find(p => p.title === 'Eierskapskontroll Innlandet Revisjon IKS')!
})
afterAll(async () => { await t.close() })

const rowOf = (html: string, id: string) => {
  const start = html.indexOf(`data-occurrence-id="${id}"`)
  expect(start, `row ${id}`).toBeGreaterThan(0)
  return html.slice(start, html.indexOf('</tr>', start))
}

describe('the follow-up list and the kontrollutvalg’s projects', () => {
  it('names a late project step as a step of its project, linking to the project page', async () => {
    const report = late.milestones.find(m => m.milestone === 'report' && m.body === 'gausdal-kontrollutvalg')!
    const res = await t.app.inject('/oppfolging?municipality=gausdal')
    expect(res.statusCode).toBe(200)
    const row = rowOf(res.body, report.occurrenceId)
    expect(row).toContain(`Steg i kontrollutvalgets prosjekt <a href="/kontroll/plan/${late.planId}/prosjekt/${late.id}">Eierskapskontroll Innlandet Revisjon IKS</a> (revisjonsrapport)`)
    // Rows that are no project's step say nothing of the kind.
    const others = [...res.body.matchAll(/data-occurrence-id="([^"]+)"/g)].map(m => m[1]!).filter(id => !late.milestones.some(m => m.occurrenceId === id))
    expect(others.length).toBeGreaterThan(0)
    for (const id of others.slice(0, 20)) expect(rowOf(res.body, id)).not.toContain('Steg i kontrollutvalgets prosjekt')
  })

  it('keeps a kontroll matter overdue from an earlier year on the list until it is done; other items stay within the last year', async () => {
    const plan = ((await t.services.kontroll.plans.list(systemViewer, { electionYear: 2023, type: 'forvaltningsrevisjon' })).items as Array<{ id: number; title: string }>).find(p => p.title.endsWith('Gausdal'))!
    const old = await t.services.kontroll.projects.create(DEMO_ACTOR, plan.id, { title: 'Innkjøp', plannedYear: 2025, plannedQuarter: 1, subjects: [{ municipality: 'gausdal', serviceArea: 'Innkjøp' }] })
    const report = old.milestones.find(m => m.milestone === 'report')!
    expect(report.date).toBe('2025-03-31')
    const from = overdueReachFrom('2026-12-01')
    expect(from).toBe('2016-12-02')
    const api = async (q: string) => ((await t.app.inject(`/api/v1/reports/overdue?municipality=gausdal&asOf=2026-12-01${q}&limit=500`)).json().data as Array<{ id: string; eventType: string }>)
    const lastYear = await api('')
    const all = await api(`&from=${from}`)
    expect(lastYear.some(r => r.id === report.occurrenceId)).toBe(false)
    const earlierKontroll = all.filter(r => !lastYear.some(l => l.id === r.id) && ['plan_forvaltningsrevisjon', 'plan_eierskapskontroll', 'rapport_forvaltningsrevisjon', 'rapport_eierskapskontroll', 'oppfolging_vedtak'].includes(r.eventType))
    expect(earlierKontroll.map(r => r.id)).toContain(report.occurrenceId)
    // Other kinds of item from the earlier year exist, and stay off the list.
    expect(all.length).toBeGreaterThan(lastYear.length + earlierKontroll.length)
    const page = await t.app.inject('/oppfolging?municipality=gausdal&status=overdue')
    const shown = [...page.body.matchAll(/<tr class="situation-overdue" data-occurrence-id="([^"]+)"/g)].map(m => m[1]!)
    expect(new Set(shown)).toEqual(new Set([...lastYear, ...earlierKontroll].map(r => r.id)))
    expect(rowOf(page.body, report.occurrenceId)).toContain(`<a href="/kontroll/plan/${plan.id}/prosjekt/${old.id}">Innkjøp</a> (revisjonsrapport)`)
    const csv = await t.app.inject('/oppfolging.csv?municipality=gausdal&status=overdue')
    expect(csv.body).toContain(report.occurrenceId)
    // Done, it leaves the list.
    await t.services.kontroll.projects.update(DEMO_ACTOR, plan.id, old.id, { reportDeliveredOn: '2026-11-30' })
    expect((await t.app.inject('/oppfolging?municipality=gausdal&status=overdue')).body).not.toContain(`data-occurrence-id="${report.occurrenceId}"`)
  })
})
