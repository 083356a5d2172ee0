import { describe, expect, it } from 'vitest'
import { defaultTemplatesDir, loadCatalogue } from '../../src/catalogue/load.js'
import { ruleRows, type EngineBody, type EngineFacts, type EngineRule } from '../../src/domain/occurrence-engine.js'
import { expandRule, type ExpandableRule } from '../../src/domain/occurrences.js'
import { planPackageRules } from '../../src/domain/packages.js'
import { PARAGRAF27_DEFAULT_DUE, paragraf27ConversionDue } from '../../src/domain/paragraf27.js'
import type { ConstitutionDates } from '../../src/domain/valgperiode.js'

// Koml. 2018 § 31-2 (1): a § 27 styre must be converted within four years of chapters 18/19 coming
// into force, which happened at each municipality's konstituerende møte in 2019 (FOR-2018-12-20-2062).

describe('paragraf27ConversionDue', () => {
  it.each([
    // [constitution dates recorded, due date, from the recorded date]
    [{}, '2023-10-31', false],
    [{ 2023: '2023-10-12' }, '2023-10-31', false],
    [{ 2019: '2019-10-17' }, '2023-10-17', true],
    [{ 2019: '2019-09-24', 2023: '2023-10-19' }, '2023-09-24', true],
    [{ 2019: '2019-10-31' }, '2023-10-31', true],
  ] as Array<[ConstitutionDates, string, boolean]>)('%j → %s', (dates, date, fromConstitutionDate) => {
    expect(paragraf27ConversionDue(dates)).toEqual({ date, fromConstitutionDate })
  })

  it('defaults to 31 October 2023, the latest lawful K_2019 plus four years', () => {
    expect(PARAGRAF27_DEFAULT_DUE).toBe('2023-10-31')
    expect(paragraf27ConversionDue()).toEqual({ date: '2023-10-31', fromConstitutionDate: false })
  })
})

const conversionRule: ExpandableRule = {
  id: 27,
  scheduleType: 'valgperiode',
  allDay: true,
  dtstart: null,
  rrule: null,
  rdates: [],
  exdates: [],
  anchor: 'paragraf27_conversion',
  timeZone: 'Europe/Oslo',
  durationMinutes: null,
}

describe('expanding the § 27 conversion rule', () => {
  it.each([
    ['no recorded constitution', {}, [{ key: '2023-10-31', date: '2023-10-31' }]],
    ['K_2019 = 17 Oct 2019', { 2019: '2019-10-17' }, [{ key: '2023-10-17', date: '2023-10-17' }]],
  ] as Array<[string, ConstitutionDates, unknown]>)('gives one date over 2015–2040 (%s)', (_, dates, expected) => {
    expect(expandRule(conversionRule, { from: '2015-01-01', to: '2040-12-31' }, dates)).toEqual(expected)
  })

  it('gives nothing in 2027 and 2028, long after the conversion was due', () => {
    expect(expandRule(conversionRule, { from: '2027-01-01', to: '2028-12-31' }, { 2019: '2019-10-17' })).toEqual([])
  })
})

describe('the engine reads each participant\'s own 2019 constitution date', () => {
  const catalogue = loadCatalogue(defaultTemplatesDir)
  // A § 27 styre with two participants: Øyer (id 1, K_2019 recorded) and Gausdal (id 2, not recorded).
  const drafts = planPackageRules(catalogue.packages.get('paragraf_27')!, catalogue.eventTypes, {
    type: 'collaboration',
    id: 9,
    slug: 'gudbrandsdal-27',
    legalForm: 'paragraf_27',
    status: 'active',
    bodies: { styre: 90 },
    participants: [{ municipalityId: 1, bodies: { kommunestyre: 11 } }, { municipalityId: 2, bodies: { kommunestyre: 21 } }],
  }).filter(d => d.eventType === 'paragraf27_omdanning')
  const rules: EngineRule[] = drafts.map((d, i) => ({
    ...d, id: 100 + i, title: null, rdates: [], exdates: [], timeZone: 'Europe/Oslo', origin: 'package', modified: 0,
  }))
  const bodies = new Map<number, EngineBody>([
    [11, { id: 11, kind: 'kommunestyre', municipalityId: 1, collaborationId: null, deleted: false }],
    [21, { id: 21, kind: 'kommunestyre', municipalityId: 2, collaborationId: null, deleted: false }],
  ])
  const constitution: Record<number, ConstitutionDates> = { 1: { 2019: '2019-10-17', 2023: '2023-10-19' } }
  // Asserted, not annotated: the engine's facts grow with issue 12's tracking start (read as "tracked from the start").
  const facts = {
    eventType: key => catalogue.eventTypes.get(key),
    state: () => undefined,
    constitutionDates: m => constitution[m] ?? {},
    body: id => bodies.get(id),
    owners: () => [],
    meetings: () => [],
    municipalityTrackingFrom: () => null,
    collaborationTrackingFrom: () => null,
  } as EngineFacts

  it.each([
    ['Øyer, K_2019 recorded as 17 Oct 2019', 11, 1, '2023-10-17'],
    ['Gausdal, no recorded constitution', 21, 2, '2023-10-31'],
  ])('%s → due %s', (_, bodyId, municipalityId, due) => {
    const rule = rules.find(r => r.responsibleBodyId === bodyId)!
    expect(rule).toMatchObject({ municipalityId: null, collaborationId: 9, anchor: 'paragraf27_conversion' })
    const rows = ruleRows(rule, facts, { from: '2019-01-01', to: '2030-12-31' })
    expect(rows.map(r => [r.date, r.municipalityId, r.collaborationId, r.kind, r.allDay])).toEqual([[due, municipalityId, 9, 'deadline', true]])
  })
})
