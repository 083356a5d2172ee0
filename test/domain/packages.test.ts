import { describe, expect, it } from 'vitest'
import { defaultTemplatesDir, loadCatalogue } from '../../src/catalogue/load.js'
import type { Package } from '../../src/catalogue/schema.js'
import { packageApplies, planDefaultMoteplan, planPackageRules, type RuleDraft, type SubjectForPackages } from '../../src/domain/packages.js'
import { expand } from '../../src/domain/recurrence.js'

const catalogue = loadCatalogue(defaultTemplatesDir)
const pkg = (key: string): Package => {
  const p = catalogue.packages.get(key)
  if (!p) throw new Error(`no package ${key} in the catalogue`)
  return p
}
const plan = (key: string, subject: SubjectForPackages) => planPackageRules(pkg(key), catalogue.eventTypes, subject)
const byType = (drafts: RuleDraft[], eventType: string) => drafts.filter(d => d.eventType === eventType)
const one = (drafts: RuleDraft[], eventType: string): RuleDraft => {
  const found = byType(drafts, eventType)
  expect(found).toHaveLength(1)
  return found[0]!
}

const MUNICIPAL_BODIES = { kommunestyre: 1, formannskap: 2, kontrollutvalg: 3, kommunedirektor: 4 }
const municipality: SubjectForPackages = { type: 'municipality', id: 5, slug: 'alstahaug', inRegion: true, bodies: MUNICIPAL_BODIES }
const collaboration = (over: Partial<SubjectForPackages>): SubjectForPackages =>
  ({ type: 'collaboration', id: 9, slug: 'helgeland-iks', legalForm: 'iks', status: 'active', bodies: {}, ...over })

describe('packageApplies', () => {
  it('gives the kommune package to municipalities in the region only', () => {
    expect(packageApplies(pkg('kommune'), municipality)).toBe(true)
    expect(packageApplies(pkg('kommune'), { ...municipality, inRegion: false })).toBe(false)
    expect(packageApplies(pkg('kommune'), { ...municipality, inRegion: undefined })).toBe(false)
  })

  it('never gives a municipality package to a collaboration, or the reverse', () => {
    expect(packageApplies(pkg('kommune'), collaboration({}))).toBe(false)
    expect(packageApplies(pkg('iks'), municipality)).toBe(false)
  })

  it('matches a collaboration by legal form', () => {
    expect(packageApplies(pkg('iks'), collaboration({ legalForm: 'iks' }))).toBe(true)
    expect(packageApplies(pkg('as'), collaboration({ legalForm: 'iks' }))).toBe(false)
    expect(packageApplies(pkg('as'), collaboration({ legalForm: 'as' }))).toBe(true)
    expect(packageApplies(pkg('vertskommune'), collaboration({ legalForm: 'vertskommune_administrativ' }))).toBe(true)
    expect(packageApplies(pkg('vertskommune'), collaboration({ legalForm: 'vertskommune_felles_nemnd' }))).toBe(true)
  })

  it('leaves out a terminated AS when the package is for active companies', () => {
    expect(pkg('as').appliesTo).toMatchObject({ onlyActive: true })
    expect(packageApplies(pkg('as'), collaboration({ legalForm: 'as', status: 'terminated' }))).toBe(false)
    expect(packageApplies(pkg('as'), collaboration({ legalForm: 'as', status: undefined }))).toBe(false)
  })

  it('matches the regionråd by its slug although the register calls it an avtale', () => {
    const regionrad = collaboration({ slug: 'regionrad', legalForm: 'avtale' })
    expect(packageApplies(pkg('interkommunalt_politisk_rad'), regionrad)).toBe(true)
    expect(packageApplies(pkg('interkommunalt_politisk_rad'), { ...regionrad, slug: 'regionrad-helgeland' })).toBe(false)
    expect(packageApplies(pkg('interkommunalt_politisk_rad'), { ...regionrad, status: 'terminated' })).toBe(false)
    expect(packageApplies(pkg('iks'), regionrad)).toBe(false)
  })
})

describe('planPackageRules for a municipality', () => {
  const drafts = plan('kommune', municipality)

  it('gives arsregnskap_vedtak to the kommunestyre, every 30 June', () => {
    expect(one(drafts, 'arsregnskap_vedtak')).toEqual({
      eventType: 'arsregnskap_vedtak',
      packageKey: 'kommune',
      municipalityId: 5,
      collaborationId: null,
      subjectKey: 'm:5',
      responsibleBodyId: 1,
      treatedByBodyId: 1,
      scheduleType: 'rrule',
      allDay: true,
      dtstart: 'DTSTART;VALUE=DATE:20190630',
      rrule: 'FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30',
      anchor: null,
      durationMinutes: null,
      reminderOffsetsDays: null,
      calendarBodyKinds: null,
    })
    const d = one(drafts, 'arsregnskap_vedtak')
    expect(expand({ dtstart: d.dtstart!, rrule: d.rrule }, { from: '2027-01-01', to: '2028-12-31' }).map(o => o.key))
      .toEqual(['2027-06-30', '2028-06-30'])
  })

  it('anchors the plan for forvaltningsrevisjon to the valgperiode, on the kontrollutvalg, treated by the kommunestyre', () => {
    expect(one(drafts, 'plan_forvaltningsrevisjon')).toMatchObject({
      scheduleType: 'valgperiode',
      anchor: 'end_of_year_after_constitution',
      dtstart: null,
      rrule: null,
      allDay: true,
      responsibleBodyId: 3,
      treatedByBodyId: 1,
    })
    expect(one(drafts, 'eierskapsmelding')).toMatchObject({ scheduleType: 'valgperiode', anchor: 'end_of_period', responsibleBodyId: 1 })
  })

  it('gives deadlines without a treating organ a null treatedByBodyId', () => {
    expect(one(drafts, 'arsregnskap_avlagt')).toMatchObject({ responsibleBodyId: 4, treatedByBodyId: null })
    expect(one(drafts, 'kommunestyrevalg')).toMatchObject({ responsibleBodyId: 1, treatedByBodyId: null, anchor: 'election_day' })
  })

  it.each([
    ['kostra_tjenestedata_januar', 'FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=15'],
    ['kostra_tjenestedata', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=15'],
    ['kostra_regnskap', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=22'],
    ['kostra_hjemmetjenester', 'FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=15'],
  ])('gives a kommune %s (%s) on the kommunedirektør', (key, rrule) => {
    expect(one(drafts, key)).toMatchObject({ scheduleType: 'rrule', rrule, responsibleBodyId: 4, treatedByBodyId: null, municipalityId: 5 })
  })

  it('gives a fylkeskommune the KOSTRA dates of its own, not the kommune-only forms', () => {
    const fylke = plan('kommune', { ...municipality, kind: 'fylkeskommune' })
    expect(byType(fylke, 'kostra_tjenestedata_januar')).toEqual([])
    expect(byType(fylke, 'kostra_hjemmetjenester')).toEqual([])
    expect(byType(fylke, 'kostra_tjenestedata')).toHaveLength(1)
    expect(byType(fylke, 'kostra_regnskap')).toHaveLength(1)
    expect(fylke).toHaveLength(drafts.length - 2)
    expect(byType(plan('kommune', { ...municipality, kind: 'kommune' }), 'kostra_tjenestedata_januar')).toHaveLength(1)
  })

  it('leaves meetings to the møteplaner and event-driven types to hand', () => {
    expect(byType(drafts, 'mote')).toEqual([])
    for (const manual of ['merforbruk_budsjettendring', 'oppfolging_vedtak', 'rapport_forvaltningsrevisjon', 'rapport_eierskapskontroll', 'regnskap_oversendelse']) {
      expect(byType(drafts, manual)).toEqual([])
    }
  })

  it('gives one draft per remaining entry, all for this municipality', () => {
    // 35 entries: 3 mote and 5 manual types give no rule.
    expect(pkg('kommune').eventTypes).toHaveLength(35)
    expect(drafts).toHaveLength(27)
    expect(new Set(drafts.map(d => d.eventType)).size).toBe(27)
    for (const d of drafts) {
      expect(d).toMatchObject({ packageKey: 'kommune', municipalityId: 5, collaborationId: null, subjectKey: 'm:5' })
      expect(d.responsibleBodyId).not.toBeNull()
      expect([1, 2, 3, 4]).toContain(d.responsibleBodyId)
    }
  })

  it('gives nothing to a municipality outside the region', () => {
    expect(plan('kommune', { ...municipality, inRegion: false })).toEqual([])
  })

  it('leaves a body id null when the municipality lacks that body', () => {
    const partial = plan('kommune', { ...municipality, bodies: { kommunestyre: 1 } })
    expect(one(partial, 'plan_forvaltningsrevisjon')).toMatchObject({ responsibleBodyId: null, treatedByBodyId: 1 })
  })
})

describe('planPackageRules for collaborations', () => {
  const iksBodies = { representantskap: 20, styre: 21 }

  it('gives an IKS iks_arsregnskap_fastsatt on its representantskap', () => {
    const drafts = plan('iks', collaboration({ bodies: iksBodies }))
    expect(one(drafts, 'iks_arsregnskap_fastsatt')).toMatchObject({
      packageKey: 'iks',
      municipalityId: null,
      collaborationId: 9,
      subjectKey: 'c:9',
      responsibleBodyId: 20,
      treatedByBodyId: 20,
      scheduleType: 'rrule',
      dtstart: 'DTSTART;VALUE=DATE:20190630',
      rrule: 'FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30',
    })
    expect(one(drafts, 'iks_arsregnskap_avlagt')).toMatchObject({ responsibleBodyId: 21, treatedByBodyId: 21 })
    expect(byType(drafts, 'mote')).toEqual([])
  })

  it('gives nothing to a terminated IKS', () => {
    expect(plan('iks', collaboration({ bodies: iksBodies, status: 'terminated' }))).toEqual([])
  })

  it('puts a vertskommune report on the host municipality\'s bodies', () => {
    const drafts = plan('vertskommune', collaboration({ legalForm: 'vertskommune_administrativ', hostBodies: MUNICIPAL_BODIES }))
    expect(drafts).toEqual([expect.objectContaining({
      eventType: 'vertskommune_rapport', collaborationId: 9, subjectKey: 'c:9', responsibleBodyId: 4, treatedByBodyId: 1,
    })])
  })

  it('gives a § 27 conversion deadline to each participant\'s kommunestyre, anchored to its 2019 constitution', () => {
    const drafts = plan('paragraf_27', collaboration({
      legalForm: 'paragraf_27',
      bodies: { styre: 30 },
      participants: [{ municipalityId: 5, bodies: MUNICIPAL_BODIES }, { municipalityId: 6, bodies: { kommunestyre: 61 } }],
    }))
    const omdanning = byType(drafts, 'paragraf27_omdanning')
    expect(omdanning.map(d => [d.subjectKey, d.responsibleBodyId, d.treatedByBodyId])).toEqual([
      ['c:9:m:5', 1, 1],
      ['c:9:m:6', 61, 61],
    ])
    for (const d of omdanning) {
      expect(d).toMatchObject({ collaborationId: 9, municipalityId: null, scheduleType: 'valgperiode', anchor: 'paragraf27_conversion', dtstart: null, rrule: null, allDay: true })
    }
    expect(one(drafts, 'ipr_ko_arsregnskap')).toMatchObject({ subjectKey: 'c:9', responsibleBodyId: 30 })
    expect(new Set(drafts.map(d => `${d.eventType}/${d.subjectKey}`)).size).toBe(drafts.length)
  })

  it('gives the regional formannskapskonferanse to each participant\'s formannskap as a timed meeting', () => {
    const drafts = plan('regional_formannskapskonferanse', collaboration({
      slug: 'felles-formannskapsmoter',
      legalForm: 'avtale',
      participants: [{ municipalityId: 5, bodies: MUNICIPAL_BODIES }, { municipalityId: 7, bodies: { formannskap: 72 } }, { municipalityId: 8, bodies: {} }],
    }))
    expect(drafts.map(d => d.subjectKey)).toEqual(['c:9:m:5', 'c:9:m:7', 'c:9:m:8'])
    expect(drafts.map(d => d.responsibleBodyId)).toEqual([2, 72, null])
    for (const d of drafts) {
      expect(d).toMatchObject({
        eventType: 'formannskapskonferanse',
        allDay: false,
        durationMinutes: 360,
        treatedByBodyId: null,
        dtstart: 'DTSTART;TZID=Europe/Oslo:20180824T090000',
        rrule: 'FREQ=YEARLY;BYMONTH=8;BYDAY=4FR',
      })
    }
  })

  it('gives a participants entry nothing when there are no participants', () => {
    expect(plan('regional_formannskapskonferanse', collaboration({ slug: 'felles-formannskapsmoter', legalForm: 'avtale' }))).toEqual([])
  })

  it('keeps an entry\'s reminder and calendar overrides', () => {
    const drafts = plan('interkommunalt_politisk_rad', collaboration({ slug: 'regionrad', legalForm: 'avtale', bodies: { interkommunalt_politisk_rad: 40 } }))
    expect(one(drafts, 'kostra_regnskap')).toMatchObject({ responsibleBodyId: 40, treatedByBodyId: null, calendarBodyKinds: ['interkommunalt_politisk_rad'] })
  })
})

describe('planDefaultMoteplan', () => {
  it('plans a municipal body\'s default meetings from the catalogue', () => {
    const moteplan = catalogue.moteplaner.get('kommunestyre')!
    expect(planDefaultMoteplan(moteplan, { id: 1, municipalityId: 5, collaborationId: null })).toEqual({
      eventType: 'mote',
      title: 'Standard møteplan (ikke vedtatt)',
      note: moteplan.note,
      origin: 'moteplan_default',
      municipalityId: 5,
      collaborationId: null,
      subjectKey: 'm:5:b:1',
      responsibleBodyId: 1,
      treatedByBodyId: null,
      scheduleType: 'rrule',
      allDay: false,
      dtstart: 'DTSTART;TZID=Europe/Oslo:20190221T180000',
      rrule: 'FREQ=MONTHLY;BYMONTH=2,3,4,5,6,9,10,11,12;BYDAY=TH;BYSETPOS=3',
      anchor: null,
      durationMinutes: 180,
    })
  })

  it('keys a collaboration body\'s plan by the collaboration', () => {
    const plan = planDefaultMoteplan(catalogue.moteplaner.get('representantskap')!, { id: 20, municipalityId: null, collaborationId: 9 })
    expect(plan).toMatchObject({ subjectKey: 'c:9:b:20', municipalityId: null, collaborationId: 9, responsibleBodyId: 20 })
  })

  it('expands the default kommunestyre plan to the third Thursday, nine times a year', () => {
    const p = planDefaultMoteplan(catalogue.moteplaner.get('kommunestyre')!, { id: 1, municipalityId: 5, collaborationId: null })
    expect(expand({ dtstart: p.dtstart, rrule: p.rrule }, { from: '2027-01-01', to: '2027-12-31' }).map(o => o.key)).toEqual([
      '2027-02-18T18:00', '2027-03-18T18:00', '2027-04-15T18:00', '2027-05-20T18:00', '2027-06-17T18:00',
      '2027-09-16T18:00', '2027-10-21T18:00', '2027-11-18T18:00', '2027-12-16T18:00',
    ])
  })
})
