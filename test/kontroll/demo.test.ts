import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { DEMO_ACTOR, loadDemoKontroll, readDemoKontroll } from '../../src/kontroll/demo.js'

// The invented demo plans, loaded on 22 November 2026, answer the secretariat's question from the API.
let t: TestApp
beforeEach(async () => { t = await buildTestApp({ now: '2026-11-22T12:00:00Z' }) })
afterEach(async () => { await t.close() })

describe('seeds/demo-kontroll.json', () => {
  it('is marked as invented and loads through the services, once', async () => {
    const data = readDemoKontroll()
    expect(data._note).toMatch(/^Oppdiktede eksempeldata/)
    expect(await loadDemoKontroll(t.services.kontroll, data, DEMO_ACTOR)).toEqual({
      assessments: { created: 12, existing: 0 }, plans: { created: 4, existing: 0, skipped: [] }, projects: { created: 9, existing: 0 },
    })
    const before = await t.snapshot()
    expect(await loadDemoKontroll(t.services.kontroll, data, DEMO_ACTOR)).toEqual({
      assessments: { created: 0, existing: 12 }, plans: { created: 0, existing: 4, skipped: [] }, projects: { created: 0, existing: 9 },
    })
    expect(await t.snapshot()).toBe(before)
  })

  it('answers "which owned companies in Gausdal have no control planned this period, and which planned projects are late"', async () => {
    await loadDemoKontroll(t.services.kontroll, readDemoKontroll(), DEMO_ACTOR)
    const coverage = (await t.app.inject('/api/v1/kontroll/coverage?valgperiode=2023&municipality=gausdal')).json().municipalities[0]
    expect(coverage.flagged).toEqual([
      'ikomm-as', 'lillehammer-og-gausdal-energiverk-holding-as-lge', 'gudbrandsdal-krisesenter-iks', 'interkommunalt-arkiv-ika-opplandene',
      'kompetanse-utdanning-og-forskningsfond-oppland-as-kuf-fondet', 'kontrollutvalgssekretariat', 'skappa-kunnskapspark',
    ])
    const plans = (await t.app.inject('/api/v1/kontroll/plans?valgperiode=2023&municipality=gausdal')).json().data
    expect(plans.map((p: { title: string; status: string }) => [p.title, p.status])).toEqual([
      ['Felles plan for eierskapskontroll 2024–2027 (Lillehammer, Gausdal, Øyer)', 'adopted_ks'],
      ['Plan for forvaltningsrevisjon 2024–2027, Gausdal', 'adopted_ks'],
    ])
    const late: string[] = []
    const followUps: string[] = []
    for (const p of plans) {
      const review = (await t.app.inject(`/api/v1/kontroll/plans/${p.id}/review?asOf=2026-11-22`)).json()
      late.push(...review.behindSchedule.map((b: { project: { title: string }; plannedBy: string }) => `${b.project.title} (${b.plannedBy})`))
      followUps.push(...review.followUpsOverdue.map((f: { project: { title: string }; followUpDue: string }) => `${f.project.title} (${f.followUpDue})`))
    }
    expect(late).toEqual(['Eierskapskontroll Innlandet Revisjon IKS (2026-03-31)', 'Felles brann- og feiertjeneste – forebyggende arbeid (2026-06-30)'])
    expect(followUps).toEqual(['Eierskapskontroll GLØR IKS (2026-09-30)', 'Kvalitet og bemanning i hjemmetjenesten (2026-10-31)'])
  })
})
