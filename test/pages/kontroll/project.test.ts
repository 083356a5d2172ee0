import { describe, expect, it } from 'vitest'
import {
  fieldLabel, milestoneRow, OTHER_AREA, parseDropForm, parseEditForm, parseNewForm, parseStepForm, plannedPeriod, serviceProblem, stepOf, STEPS, withForm,
  type SubjectGroup,
} from '../../../src/pages/kontroll/project.js'
import { invalid, missing } from '../../../src/shared/errors.js'
import type { PlanView, ProjectView } from '../../../src/services/kontroll/shared.js'

// The project page's view model and form parsing (issue 15, item 4): pure, as a table of cases.
const TODAY = '2026-12-01'
const project = (over: Partial<ProjectView> = {}): ProjectView => ({
  id: 7,
  planId: 1,
  title: 'Eierskapskontroll X',
  problemStatement: null,
  plannedYear: 2026,
  plannedQuarter: 1,
  plannedBy: '2026-03-31',
  auditor: null,
  orderedOn: '2025-11-10',
  reportDeliveredOn: null,
  kuPlannedOn: '2026-02-10',
  kuTreatedOn: null,
  ksPlannedOn: null,
  ksTreatedOn: null,
  followUpDue: null,
  followedUpOn: null,
  status: 'in_progress',
  droppedReason: null,
  caseRefs: { order: 'KU-sak 25/02' },
  subjects: [],
  milestones: [
    { milestone: 'report', body: 'gausdal-kontrollutvalg', ruleId: 3, occurrenceId: '3-20260331', date: '2026-03-31', status: 'in_progress', caseNumber: null },
    { milestone: 'report', body: 'oyer-kontrollutvalg', ruleId: 4, occurrenceId: '4-20260331', date: '2026-03-31', status: 'in_progress', caseNumber: null },
  ],
  ...over,
} as unknown as ProjectView)
const names = new Map([['gausdal-kontrollutvalg', 'Gausdal'], ['oyer-kontrollutvalg', 'Øyer']])
const row = (key: string, p = project()) => milestoneRow(p, stepOf(key)!, TODAY, names)
const plan = (over: Partial<PlanView> = {}) => ({
  id: 1,
  type: 'eierskapskontroll',
  electionYear: 2023,
  bodies: [{ slug: 'gausdal-kontrollutvalg', name: 'Kontrollutvalget i Gausdal', municipality: { slug: 'gausdal', name: 'Gausdal' } }],
  ...over,
} as unknown as PlanView)

describe('milestone rows', () => {
  it.each([
    ['bestilling', project(), 'delivered', 'Bestilt', false],
    ['rapport', project(), 'overdue', 'Forsinket: 245 dager over planlagt dato', true],
    ['kontrollutvalg', project(), 'overdue', 'Forsinket: 294 dager over planlagt dato', true],
    ['kommunestyre', project(), 'not_recorded', 'Ikke planlagt ennå', false],
    ['rapport', project({ reportDeliveredOn: '2026-11-20' }), 'delivered', 'Levert', false],
    ['kontrollutvalg', project({ kuTreatedOn: '2026-11-24' }), 'approved', 'Behandlet', false],
    ['rapport', project({ plannedYear: 2027, plannedBy: '2027-03-31' }), 'in_progress', 'Under arbeid', false],
    ['kommunestyre', project({ ksPlannedOn: '2027-01-20' }), 'planned', 'Planlagt', false],
    ['rapport', project({ status: 'dropped' }), 'cancelled', 'Avlyst', false],
  ])('%s → %s «%s»', (key, p, status, text, late) => {
    const r = row(key, p)
    expect([r.status, r.statusText, r.late]).toEqual([status, text, late])
  })

  it('has dates in words, the saksnummer and each kontrollutvalg’s occurrence linked', () => {
    expect(row('bestilling')).toMatchObject({ plannedText: '–', doneText: '10. november 2025', caseRef: 'KU-sak 25/02', occurrences: [] })
    expect(row('rapport')).toMatchObject({
      plannedText: '31. mars 2026',
      occurrences: [{ url: '/hendelse/3-20260331', label: 'Gausdal', date: '31. mars 2026' }, { url: '/hendelse/4-20260331', label: 'Øyer', date: '31. mars 2026' }],
    })
    expect(STEPS.map(s => s.key)).toEqual(['bestilling', 'rapport', 'kontrollutvalg', 'kommunestyre', 'oppfolging'])
  })
})

describe('the step form', () => {
  it('makes a patch of what changed: dates, and the saksnummer merged into the case references', () => {
    expect(parseStepForm({ utfort: '2026-11-20', saksnummer: 'KU-sak 26/40' }, project(), stepOf('rapport')!))
      .toEqual({ patch: { reportDeliveredOn: '2026-11-20', caseRefs: { order: 'KU-sak 25/02', report: 'KU-sak 26/40' } } })
    expect(parseStepForm({ planlagt: '2026-02-10', utfort: '', saksnummer: '' }, project(), stepOf('kontrollutvalg')!)).toEqual({ patch: {} })
    expect(parseStepForm({ utfort: '2025-11-10', saksnummer: ' ' }, project(), stepOf('bestilling')!)).toEqual({ patch: { caseRefs: {} } })
    expect(parseStepForm({ planlagt: '', utfort: '', saksnummer: '' }, project(), stepOf('kontrollutvalg')!)).toEqual({ patch: { kuPlannedOn: null } })
  })

  it('names the field of a bad date or a long saksnummer and keeps what was typed', () => {
    const bad = parseStepForm({ planlagt: '10.02.2026', utfort: '2026-13-01', saksnummer: 'x'.repeat(51) }, project(), stepOf('kontrollutvalg')!)
    expect('errors' in bad && bad.errors.map(e => e.field)).toEqual(['kontrollutvalg-planlagt', 'kontrollutvalg-utfort', 'kontrollutvalg-saksnummer'])
    expect('values' in bad && bad.values['kontrollutvalg-planlagt']).toBe('10.02.2026')
  })
})

describe('the edit, drop and new forms', () => {
  it('edit: only what changed; the year within the valgperiode, the quarter 1–4 or none', () => {
    expect(parseEditForm({ tittel: 'Eierskapskontroll X', problemstilling: '', planlagtAr: '2027', kvartal: '', revisor: 'Revisor AS' }, project(), 2023))
      .toEqual({ patch: { plannedYear: 2027, plannedQuarter: null, auditor: 'Revisor AS' } })
    const bad = parseEditForm({ tittel: ' ', planlagtAr: '2028', kvartal: '0' }, project(), 2023)
    expect('errors' in bad && bad.errors.map(e => `${e.field}: ${e.message}`)).toEqual([
      'tittel: Skriv en tittel.', 'planlagtAr: Velg et år i valgperioden, 2023–2027.', 'kvartal: Velg et kvartal (1–4) eller «Hele året».',
    ])
  })

  it('drop: needs the reason', () => {
    expect(parseDropForm({ begrunnelse: ' Avviklet. ' })).toEqual({ patch: { status: 'dropped', droppedReason: 'Avviklet.' } })
    expect(parseDropForm({ begrunnelse: '' })).toMatchObject({ errors: [{ field: 'begrunnelse', label: 'Begrunnelse' }] })
  })

  const groups: SubjectGroup[] = [{ label: 'Selskaper og samarbeid', options: [{ value: 'c:skappa', label: 'Skåppå (AS)', name: 'Skåppå kunnskapspark', input: { collaboration: 'skappa' } }] }]
  it('new: a chosen subject, a title made from it when none is given', () => {
    expect(parseNewForm({ emne: 'c:skappa', tittel: '', planlagtAr: '2027', kvartal: '3' }, plan(), groups)).toEqual({
      input: { title: 'Eierskapskontroll Skåppå kunnskapspark', plannedYear: 2027, plannedQuarter: 3, subjects: [{ collaboration: 'skappa' }] },
    })
    expect(parseNewForm({ emne: 'c:other', planlagtAr: '2027' }, plan(), groups)).toMatchObject({ errors: [{ field: 'emne' }] })
  })

  it('new: another service area in a forvaltningsrevisjon, in the plan’s only municipality', () => {
    const fr = plan({ type: 'forvaltningsrevisjon' })
    expect(parseNewForm({ emne: OTHER_AREA, tjenesteomrade: 'Plan og bygg', planlagtAr: '2026', kvartal: '' }, fr, groups)).toEqual({
      input: { title: 'Forvaltningsrevisjon Plan og bygg', plannedYear: 2026, plannedQuarter: null, subjects: [{ municipality: 'gausdal', serviceArea: 'Plan og bygg' }] },
    })
    expect(parseNewForm({ emne: OTHER_AREA, tjenesteomrade: '', planlagtAr: '2026' }, fr, groups)).toMatchObject({ errors: [{ field: 'tjenesteomrade' }] })
    // Not offered in an eierskapskontroll plan.
    expect(parseNewForm({ emne: OTHER_AREA, tjenesteomrade: 'Skole', planlagtAr: '2026' }, plan(), groups)).toMatchObject({ errors: [{ field: 'emne' }] })
  })
})

describe('the service’s refusals at the form’s fields', () => {
  it.each([
    [invalid('kontroll.future_date', 'reportDeliveredOn', 'x'), 'rapport', 'rapport-utfort', 'Datoen kan ikke være fram i tid; registrer den når det har skjedd.'],
    [invalid('kontroll.invalid_date', 'kuPlannedOn', 'x'), 'kontrollutvalg', 'kontrollutvalg-planlagt', 'Skriv datoen som ÅÅÅÅ-MM-DD, for eksempel 2027-03-01.'],
    [invalid('kontroll.year_outside_period', 'plannedYear', 'x'), 'endre', 'planlagtAr', 'Året må være i planens valgperiode, 2023–2027.'],
    [invalid('kontroll.dropped_reason', 'droppedReason', 'x'), 'avlys', 'begrunnelse', 'Skriv hvorfor prosjektet avlyses.'],
    [invalid('kontroll.subject_not_involved', 'subjects/0/collaboration', 'x'), 'ny', 'emne', 'Ingen av planens kommuner eier eller deltar i dette.'],
    [invalid('kontroll.subject', 'subjects/0/serviceArea', 'an eierskapskontroll concerns a company'), 'ny', 'emne', 'En eierskapskontroll gjelder et selskap eller samarbeid, ikke et tjenesteområde.'],
  ])('%s on form %s → %s', (err, form, field, message) => {
    expect(serviceProblem(err, form, {}, { electionYear: 2023 })?.errors).toEqual([{ field, label: fieldLabel(field), message }])
  })

  it('leaves other errors to the error page', () => {
    expect(serviceProblem(missing('kontroll_plan', 1), 'endre', {}, { electionYear: 2023 })).toBeNull()
    expect(serviceProblem(new Error('x'), 'endre', {}, { electionYear: 2023 })).toBeNull()
  })
})

describe('words', () => {
  it('labels fields, periods and companies', () => {
    expect(fieldLabel('rapport-utfort')).toBe('Revisjonsrapport: dato levert')
    expect(fieldLabel('kommunestyre-saksnummer')).toBe('Behandling i kommunestyret: saksnummer')
    expect(fieldLabel('planlagtAr')).toBe('Planlagt år')
    expect(plannedPeriod(2026, 1)).toBe('1. kvartal 2026')
    expect(plannedPeriod(2027, null)).toBe('2027')
    expect(withForm('Skåppå kunnskapspark', 'as')).toBe('Skåppå kunnskapspark (AS)')
    expect(withForm('Eidsiva Energi AS', 'as')).toBe('Eidsiva Energi AS')
  })
})
