import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openKontrollTest, type KontrollTest } from './helpers.js'
import { refusal as failure } from '../../helpers/services.js'
import { anonymousViewer } from '../../../src/services/access.js'

let t: KontrollTest
beforeEach(async () => { t = await openKontrollTest() })
afterEach(async () => { await t.close() })

describe('risk and materiality assessments', () => {
  it('are changed by the sekretariat of the subject’s kontrollutvalg: its municipality’s, or any owner’s of a collaboration', async () => {
    const gausdal = await t.sekretariatOf('gausdal-kontrollutvalg')
    const oyer = await t.sekretariatOf('oyer-kontrollutvalg')
    const glor = await t.kontroll.assessments.create(gausdal, { electionYear: 2023, collaboration: 'felles-renovasjonsselskap-glor', risk: 3, materiality: 5 })
    expect((await t.kontroll.assessments.update(oyer, glor.id, { risk: 4 })).score).toBe(20)
    const skole = await t.kontroll.assessments.create(oyer, { electionYear: 2023, municipality: 'oyer', serviceArea: 'Skole', risk: 3, materiality: 3 })
    const before = await t.snapshot()
    expect((await failure(t.kontroll.assessments.create(gausdal, { electionYear: 2023, municipality: 'oyer', serviceArea: 'Helse', risk: 3, materiality: 3 }))).kind).toBe('forbidden')
    expect((await failure(t.kontroll.assessments.create(gausdal, { electionYear: 2023, collaboration: 'gudbrandsdalsmusea-as', risk: 3, materiality: 3 }))).kind).toBe('forbidden')
    expect((await failure(t.kontroll.assessments.update(gausdal, skole.id, { risk: 1 }))).kind).toBe('forbidden')
    expect((await failure(t.kontroll.assessments.remove(gausdal, skole.id))).kind).toBe('forbidden')
    // Editors of the municipality, and a person with no role, read them but do not change them.
    for (const who of [await t.editorOf('oyer'), await t.editorOf('gausdal'), { ...await t.editorOf('oyer'), municipalityIds: [] }]) {
      const err = await failure(t.kontroll.assessments.update(who, glor.id, { risk: 1 }))
      expect([err.kind, err.message]).toEqual(['forbidden', 'Bare sekretariatet for kontrollutvalget og administratorer kan endre risiko- og vesentlighetsvurderinger'])
      expect((await failure(t.kontroll.assessments.create(who, { electionYear: 2023, municipality: 'oyer', serviceArea: 'Helse', risk: 3, materiality: 3 }))).kind).toBe('forbidden')
    }
    expect((await failure(t.kontroll.assessments.remove(null, skole.id))).kind).toBe('unauthorized')
    expect(await t.snapshot()).toBe(before)
    expect((await t.kontroll.assessments.get(anonymousViewer, skole.id)).score).toBe(9)
  })

  it('one live assessment per subject and period; a deleted one is a tombstone and the subject may be assessed again', async () => {
    const a = await t.kontroll.assessments.create(t.admin, { electionYear: 2023, municipality: 'oyer', serviceArea: '  Barnevern ', risk: 5, materiality: 4 })
    expect(a.subject).toEqual({ type: 'service_area', municipality: 'oyer', serviceArea: 'Barnevern' })
    const clash = await failure(t.kontroll.assessments.create(t.admin, { electionYear: 2023, municipality: 'oyer', serviceArea: 'barnevern', risk: 1, materiality: 1 }))
    expect([clash.kind, clash.code]).toEqual(['conflict', 'kontroll.assessment_exists'])
    const since = t.clock.now().getTime()
    await t.kontroll.assessments.remove(t.admin, a.id)
    expect((await t.kontroll.assessments.list(anonymousViewer)).items).toEqual([])
    expect((await t.kontroll.assessments.list(anonymousViewer, { modifiedSince: since })).items).toEqual([{ id: a.id, deleted: true, created: expect.any(String), modified: expect.any(String) }])
    const again = await t.kontroll.assessments.create(t.admin, { electionYear: 2023, municipality: 'oyer', serviceArea: 'Barnevern', risk: 2, materiality: 2 })
    expect(again.id).not.toBe(a.id)
    expect((await failure(t.kontroll.assessments.get(anonymousViewer, a.id))).kind).toBe('not_found')
  })

  it('refuses a year that is not an election year and a date in the future, naming the field', async () => {
    for (const [input, code, field] of [
      [{ electionYear: 2024, collaboration: 'ikomm-as', risk: 3, materiality: 3 }, 'kontroll.not_election_year', 'electionYear'],
      [{ electionYear: 2023, collaboration: 'ikomm-as', risk: 3, materiality: 3, assessedOn: '2027-02-01' }, 'kontroll.future_date', 'assessedOn'],
      [{ electionYear: 2023, municipality: 'oyer', risk: 3, materiality: 3 }, 'kontroll.subject', 'serviceArea'],
    ] as const) {
      const err = await failure(t.kontroll.assessments.create(t.admin, input))
      expect([err.kind, err.code, err.field]).toEqual(['invalid', code, field])
    }
  })
})
