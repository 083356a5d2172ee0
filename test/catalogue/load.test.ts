import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import rrule from 'rrule'
import { afterEach, describe, expect, it } from 'vitest'
import { CatalogueError, defaultTemplatesDir, loadCatalogue } from '../../src/catalogue/load.js'
import type { EventType } from '../../src/catalogue/schema.js'

const { RRule } = rrule

const REQUIRED_KEYS = [
  'okonomiplan_arsbudsjett', 'budsjett_oversendelse', 'kostra_tjenestedata', 'kostra_regnskap', 'arsregnskap_avlagt',
  'arsberetning', 'revisjonsberetning', 'ku_uttalelse_regnskap', 'arsregnskap_vedtak', 'okonomirapport', 'finansrapport',
  'internkontroll_rapport', 'eierskapsmelding', 'eierskapsrapport_arlig', 'plan_forvaltningsrevisjon', 'plan_eierskapskontroll',
  'rapport_forvaltningsrevisjon', 'rapport_eierskapskontroll', 'oppfolging_vedtak', 'ku_budsjettforslag', 'ku_arsmelding',
  'ku_moteplan', 'etterlevelseskontroll', 'konstituerende_mote', 'kommunestyrevalg', 'verv_utlop_ikke_valgt',
  'valg_eierrepresentanter', 'iks_budsjett_okonomiplan', 'iks_arsregnskap_utarbeidet', 'iks_arsregnskap_avlagt',
  'iks_revisjonsberetning', 'iks_arsregnskap_fastsatt', 'iks_regnskapsregisteret', 'iks_kostra', 'as_generalforsamling',
  'as_revisjonsberetning', 'as_regnskapsregisteret', 'ipr_ko_arsbudsjett', 'ipr_ko_arsregnskap', 'paragraf27_omdanning',
  'vertskommune_rapport', 'formannskapskonferanse', 'mote', 'kostra_tjenestedata_januar', 'kostra_hjemmetjenester',
]

// Obligations the domain file marks UNVERIFIED, or lists among the facts most likely to be wrong (§ 14).
const UNVERIFIED_KEYS = [
  'kommunestyrevalg', 'konstituerende_mote', 'etterlevelseskontroll', 'iks_budsjett_okonomiplan', 'iks_regnskapsregisteret',
  'ipr_ko_arsbudsjett', 'ipr_ko_arsregnskap', 'paragraf27_omdanning', 'kostra_tjenestedata_januar', 'kostra_hjemmetjenester',
]

const VALGPERIODE_KEYS = {
  kommunestyrevalg: 'election_day',
  konstituerende_mote: 'constitution_deadline',
  verv_utlop_ikke_valgt: 'end_of_election_year',
  valg_eierrepresentanter: 'end_of_election_year',
  plan_forvaltningsrevisjon: 'end_of_year_after_constitution',
  plan_eierskapskontroll: 'end_of_year_after_constitution',
  eierskapsmelding: 'end_of_period',
  paragraf27_omdanning: 'paragraf27_conversion',
} as const

const catalogue = loadCatalogue(defaultTemplatesDir)

function eventType (key: string): EventType {
  const found = catalogue.eventTypes.get(key)
  if (!found) throw new Error(`missing event type ${key}`)
  return found
}

function floating (dtstart: string): Date {
  const m = /(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2}))?/.exec(dtstart)
  if (!m) throw new Error(dtstart)
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0)))
}

function expand (dtstart: string, rule: string, fromYear: number, toYear: number): Date[] {
  return new RRule({ ...RRule.parseString(rule), dtstart: floating(dtstart) })
    .between(new Date(Date.UTC(fromYear, 0, 1)), new Date(Date.UTC(toYear + 1, 0, 1)), true)
}

const isoDates = (dates: Date[]) => dates.map(d => d.toISOString().slice(0, 10))

describe('the shipped catalogue', () => {
  it('loads with event types, packages and default møteplaner', () => {
    expect(catalogue.eventTypes.size).toBeGreaterThanOrEqual(REQUIRED_KEYS.length)
    expect([...catalogue.packages.keys()].sort()).toEqual([
      'as', 'iks', 'interkommunalt_politisk_rad', 'kommunalt_oppgavefellesskap', 'kommune', 'paragraf_27',
      'regional_formannskapskonferanse', 'vertskommune',
    ])
    expect([...catalogue.moteplaner.keys()].sort()).toEqual([
      'formannskap', 'generalforsamling', 'interkommunalt_politisk_rad', 'kommunestyre', 'kontrollutvalg', 'representantskap', 'styre',
    ])
  })

  it('contains every required event type', () => {
    const missing = REQUIRED_KEYS.filter(key => !catalogue.eventTypes.has(key))
    expect(missing).toEqual([])
  })

  it.each(UNVERIFIED_KEYS)('flags %s as unverified', key => {
    expect(eventType(key).unverified).toEqual(expect.any(String))
  })

  it('has arsregnskap_vedtak on 30 June, citing kommuneloven § 14-3', () => {
    const vedtak = eventType('arsregnskap_vedtak')
    expect(vedtak.schedule).toMatchObject({ type: 'rrule', rrule: 'FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30' })
    expect(vedtak.legalBasis).toContainEqual(expect.objectContaining({
      act: 'kommuneloven', section: expect.stringMatching(/^§ 14-3\b/), url: 'https://lovdata.no/lov/2018-06-22-83/§14-3',
    }))
    expect(vedtak.basis).toBe('law_original_text')
  })

  it('has the IKS revisjonsberetning on 15 May', () => {
    const schedule = eventType('iks_revisjonsberetning').schedule
    expect(schedule.type).toBe('rrule')
    if (schedule.type !== 'rrule') return
    expect(isoDates(expand(schedule.dtstart, schedule.rrule, 2027, 2028))).toEqual(['2027-05-15', '2028-05-15'])
  })

  // KOSTRA (forskrift om rapportering fra kommuner og fylkeskommuner mv., FOR-2019-10-18-1412): § 4 sets
  // 15 February for service data and § 5 22 February for accounts; SSB asks for some forms on 15 January
  // and for form 4B on 15 April, which the forskrift does not set (SSB practice).
  it.each([
    ['kostra_tjenestedata_januar', ['2027-01-15', '2028-01-15'], 'practice', '§ 4', /SSBs praksis/],
    ['kostra_tjenestedata', ['2027-02-15', '2028-02-15'], 'law_original_text', '§ 4', /^§ 4 tredje ledd$/],
    ['kostra_regnskap', ['2027-02-22', '2028-02-22'], 'law_original_text', '§ 5', /^§ 5$/],
    ['iks_kostra', ['2027-02-22', '2028-02-22'], 'law_original_text', '§ 5', /^§ 5 bokstav h$/],
    ['kostra_hjemmetjenester', ['2027-04-15', '2028-04-15'], 'practice', '§ 4', /SSBs praksis/],
  ])('has %s on %j (%s, KOSTRA-forskriften %s)', (key, dates, basis, paragraph, section) => {
    const type = eventType(key)
    if (type.schedule.type !== 'rrule') throw new Error('expected rrule')
    expect(isoDates(expand(type.schedule.dtstart, type.schedule.rrule, 2027, 2028))).toEqual(dates)
    expect(type).toMatchObject({ kind: 'deadline', category: 'economy', basis, timing: { allDay: true } })
    const citation = type.legalBasis.find(l => l.url === `https://lovdata.no/forskrift/2019-10-18-1412/§${paragraph.slice(2)}`)
    expect(citation?.act).toMatch(/KOSTRA/)
    expect(citation?.section).toMatch(section)
  })

  it('says where a KOSTRA date is SSB practice rather than the forskrift', () => {
    for (const key of ['kostra_tjenestedata_januar', 'kostra_hjemmetjenester']) {
      const type = eventType(key)
      expect(type.description, key).toMatch(/SSBs praksis/)
      expect(type.unverified, key).toMatch(/SSBs praksis/)
      expect(type.sources, key).toContain('S5')
    }
    expect(eventType('kostra_tjenestedata').description).toMatch(/15\. januar.*15\. april/)
  })

  it('makes the constitution deadline an all-day deadline on the last lawful day, not a meeting (koml. § 7-1)', () => {
    const konstituering = eventType('konstituerende_mote')
    expect(konstituering).toMatchObject({
      kind: 'deadline',
      timing: { allDay: true },
      schedule: { type: 'valgperiode', anchor: 'constitution_deadline' },
      responsibleBodyKind: 'kommunestyre',
      treatedByBodyKind: 'kommunestyre',
    })
    expect(konstituering.name.nb).not.toMatch(/møte/i)
    expect(konstituering.description).toMatch(/senest innen utgangen av oktober/)
    expect(konstituering.description).toMatch(/møteplanen/)
    expect(konstituering.legalBasis.map(l => l.section)).toEqual(['§ 7-1'])
  })

  it('makes the ordinary AS generalforsamling\'s latest day (30 June) a deadline; the meeting is on the møteplan', () => {
    const gf = eventType('as_generalforsamling')
    expect(gf).toMatchObject({ kind: 'deadline', timing: { allDay: true }, treatedByBodyKind: 'generalforsamling' })
    if (gf.schedule.type !== 'rrule') throw new Error('expected rrule')
    expect(isoDates(expand(gf.schedule.dtstart, gf.schedule.rrule, 2027, 2028))).toEqual(['2027-06-30', '2028-06-30'])
    expect(catalogue.packages.get('as')!.eventTypes).toContainEqual(expect.objectContaining({ eventType: 'mote', responsibleBodyKind: 'generalforsamling' }))
  })

  it('never gives a meeting a deadline\'s wording', () => {
    for (const [key, type] of catalogue.eventTypes) {
      if (type.kind !== 'meeting') continue
      expect(`${type.name.nb} ${type.description}`, key).not.toMatch(/\b(frist|senest|innen utgangen)\b/i)
    }
  })

  it.each(Object.entries(VALGPERIODE_KEYS))('ties %s to the valgperiode (%s)', (key, anchor) => {
    expect(eventType(key).schedule).toEqual({ type: 'valgperiode', anchor })
  })

  it('labels practice-only and soft-dated obligations as practice', () => {
    expect(eventType('ku_arsmelding').basis).toBe('practice')
    expect(eventType('ku_arsmelding').description).toMatch(/praksis/i)
    expect(eventType('eierskapsrapport_arlig').basis).toBe('practice')
    expect(eventType('okonomirapport').basis).toBe('practice')
    expect(eventType('vertskommune_rapport').basis).toBe('practice')
    expect(eventType('formannskapskonferanse').basis).toBe('practice')
  })

  it('gives okonomirapport two soft dates a year (tertial 1 in June, tertial 2 in October)', () => {
    const schedule = eventType('okonomirapport').schedule
    if (schedule.type !== 'rrule') throw new Error('expected rrule')
    expect(isoDates(expand(schedule.dtstart, schedule.rrule, 2027, 2027))).toEqual(['2027-06-15', '2027-10-15'])
  })

  it('keeps event-driven obligations manual', () => {
    for (const key of ['rapport_forvaltningsrevisjon', 'rapport_eierskapskontroll', 'oppfolging_vedtak', 'as_revisjonsberetning']) {
      expect(eventType(key).schedule, key).toEqual({ type: 'manual' })
    }
  })

  it('ties the § 27 conversion deadline to each municipality\'s 2019 constitution (koml. § 31-2)', () => {
    const omdanning = eventType('paragraf27_omdanning')
    expect(omdanning.schedule).toEqual({ type: 'valgperiode', anchor: 'paragraf27_conversion' })
    expect(omdanning).toMatchObject({ kind: 'deadline', timing: { allDay: true }, basis: 'law_original_text' })
    expect(omdanning.legalBasis).toContainEqual(expect.objectContaining({
      act: 'kommuneloven', section: expect.stringMatching(/^§ 31-2\b/), url: 'https://lovdata.no/lov/2018-06-22-83/§31-2',
    }))
    expect(omdanning.description).toMatch(/pluss fire år/)
    expect(omdanning.description).toMatch(/31\. oktober 2023/)
  })

  it('holds the formannskapskonferanse on the 4th Friday of August, 09:00–15:00', () => {
    const konferanse = eventType('formannskapskonferanse')
    if (konferanse.schedule.type !== 'rrule') throw new Error('expected rrule')
    expect(konferanse.timing).toEqual({ allDay: false, durationMinutes: 360 })
    const dates = expand(konferanse.schedule.dtstart, konferanse.schedule.rrule, 2018, 2020)
    expect(dates.map(d => d.toISOString())).toEqual(['2018-08-24T09:00:00.000Z', '2019-08-23T09:00:00.000Z', '2020-08-28T09:00:00.000Z'])
  })

  it('starts every yearly rule no later than 2019, so expansion works from 2019 on', () => {
    for (const [key, type] of catalogue.eventTypes) {
      if (type.schedule.type !== 'rrule') continue
      expect(floating(type.schedule.dtstart).getUTCFullYear(), key).toBeLessThanOrEqual(2019)
      expect(expand(type.schedule.dtstart, type.schedule.rrule, 2019, 2019).length, key).toBeGreaterThan(0)
    }
  })

  it('cites a statute for everything based on law', () => {
    for (const [key, type] of catalogue.eventTypes) {
      if (type.basis === 'law' || type.basis === 'law_original_text') expect(type.legalBasis.length, key).toBeGreaterThan(0)
    }
  })

  it('labels every møteplan as a default and never starts between 02:00 and 03:00', () => {
    for (const [bodyKind, plan] of catalogue.moteplaner) {
      expect(plan.label, bodyKind).toMatch(/ikke vedtatt/)
      expect(floating(plan.dtstart).getUTCHours(), bodyKind).not.toBe(2)
    }
  })

  it('has about nine kommunestyre meetings a year on Thursdays at 18:00, none in January, July or August', () => {
    const plan = catalogue.moteplaner.get('kommunestyre')!
    const meetings = expand(plan.dtstart, plan.rrule, 2027, 2027)
    expect(meetings).toHaveLength(9)
    for (const m of meetings) {
      expect(m.getUTCDay()).toBe(4)
      expect(m.getUTCHours()).toBe(18)
      expect([0, 6, 7]).not.toContain(m.getUTCMonth())
    }
  })

  it('meets in formannskap at least 14 days before every kommunestyre meeting (koml. § 14-3 (4))', () => {
    const ks = catalogue.moteplaner.get('kommunestyre')!
    const fs = catalogue.moteplaner.get('formannskap')!
    const ksMeetings = expand(ks.dtstart, ks.rrule, 2019, 2040)
    const fsMeetings = expand(fs.dtstart, fs.rrule, 2019, 2040)
    expect(fsMeetings).toHaveLength(ksMeetings.length)
    ksMeetings.forEach((meeting, i) => {
      const days = (Date.UTC(meeting.getUTCFullYear(), meeting.getUTCMonth(), meeting.getUTCDate()) -
        Date.UTC(fsMeetings[i]!.getUTCFullYear(), fsMeetings[i]!.getUTCMonth(), fsMeetings[i]!.getUTCDate())) / 86_400_000
      expect(days, meeting.toISOString()).toBeGreaterThanOrEqual(14)
      expect(days, meeting.toISOString()).toBeLessThanOrEqual(21)
    })
  })

  it('puts the representantskap meetings before 30 June and before year end', () => {
    const plan = catalogue.moteplaner.get('representantskap')!
    expect(isoDates(expand(plan.dtstart, plan.rrule, 2027, 2027))).toEqual(['2027-05-26', '2027-10-27'])
  })

  it('wires the packages to their subjects', () => {
    const pkg = (key: string) => catalogue.packages.get(key)!
    expect(pkg('kommune').appliesTo).toEqual({ subject: 'municipality', inRegionOnly: true })
    expect(pkg('iks').appliesTo).toMatchObject({ subject: 'collaboration', legalForms: ['iks'] })
    expect(pkg('vertskommune').appliesTo).toMatchObject({ legalForms: ['vertskommune_administrativ', 'vertskommune_felles_nemnd'] })
    expect(pkg('vertskommune').eventTypes).toEqual([expect.objectContaining({ eventType: 'vertskommune_rapport', bodyOwner: 'host' })])
    expect(pkg('interkommunalt_politisk_rad').appliesTo).toMatchObject({ legalForms: ['interkommunalt_politisk_rad'], slugs: ['regionrad'] })
    expect(pkg('regional_formannskapskonferanse').appliesTo).toMatchObject({ legalForms: [], slugs: ['felles-formannskapsmoter'] })
    expect(pkg('paragraf_27').eventTypes.map(e => e.eventType)).toEqual(expect.arrayContaining(['paragraf27_omdanning', 'ipr_ko_arsregnskap']))
    const kostra = (key: string) => pkg(key).eventTypes.filter(e => /kostra/.test(e.eventType)).map(e => [e.eventType, e.municipalityKinds ?? null])
    expect(kostra('kommune')).toEqual([
      ['kostra_tjenestedata_januar', ['kommune']], ['kostra_tjenestedata', null], ['kostra_regnskap', null], ['kostra_hjemmetjenester', ['kommune']],
    ])
    expect(kostra('iks')).toEqual([['iks_kostra', null]])
    for (const key of ['interkommunalt_politisk_rad', 'kommunalt_oppgavefellesskap', 'paragraf_27']) expect(kostra(key), key).toEqual([['kostra_regnskap', null]])
    for (const key of ['as', 'vertskommune', 'regional_formannskapskonferanse']) expect(kostra(key), key).toEqual([])
    const kommuneTypes = new Set(pkg('kommune').eventTypes.map(e => e.eventType))
    for (const key of ['arsregnskap_vedtak', 'eierskapsmelding', 'plan_forvaltningsrevisjon', 'kommunestyrevalg', 'mote']) {
      expect(kommuneTypes.has(key), key).toBe(true)
    }
  })
})

describe('broken catalogue files', () => {
  let tmp: string | undefined

  afterEach(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true })
    tmp = undefined
  })

  function copy (): string {
    tmp = mkdtempSync(path.join(tmpdir(), 'arshjul-catalogue-'))
    const dir = path.join(tmp, 'templates')
    cpSync(defaultTemplatesDir, dir, { recursive: true })
    return dir
  }

  function edit (dir: string, file: string, change: (json: Record<string, any>) => void): void {
    const full = path.join(dir, file)
    const json = JSON.parse(readFileSync(full, 'utf8')) as Record<string, any>
    change(json)
    writeFileSync(full, JSON.stringify(json, null, 2))
  }

  function failure (dir: string): CatalogueError {
    try {
      loadCatalogue(dir)
    } catch (err) {
      expect(err).toBeInstanceOf(CatalogueError)
      return err as CatalogueError
    }
    throw new Error('expected loadCatalogue to throw')
  }

  it('rejects invalid JSON', () => {
    const dir = copy()
    writeFileSync(path.join(dir, 'event-types/arsberetning.json'), '{ "key": "arsberetning", ')
    const err = failure(dir)
    expect(err.file).toBe('templates/event-types/arsberetning.json')
    expect(err.pointer).toBe('')
    expect(err.message).toMatch(/^templates\/event-types\/arsberetning\.json: invalid JSON/)
  })

  it('rejects a missing field', () => {
    const dir = copy()
    edit(dir, 'event-types/arsberetning.json', json => { delete json.kind })
    expect(failure(dir).message).toBe('templates/event-types/arsberetning.json: /kind: missing required field')
  })

  it('rejects an unknown field', () => {
    const dir = copy()
    edit(dir, 'event-types/arsberetning.json', json => { json.colour = 'red' })
    expect(failure(dir).message).toBe('templates/event-types/arsberetning.json: /colour: unknown field')
  })

  it('rejects an unknown field inside a schedule', () => {
    const dir = copy()
    edit(dir, 'event-types/eierskapsmelding.json', json => { json.schedule.offsetDays = 3 })
    expect(failure(dir).message).toBe('templates/event-types/eierskapsmelding.json: /schedule/offsetDays: unknown field')
  })

  it('rejects a bad RRULE', () => {
    const dir = copy()
    edit(dir, 'event-types/arsberetning.json', json => { json.schedule.rrule = 'FREQ=YEARLYY' })
    const err = failure(dir)
    expect(err.pointer).toBe('/schedule/rrule')
    expect(err.message).toMatch(/^templates\/event-types\/arsberetning\.json: \/schedule\/rrule: invalid RRULE "FREQ=YEARLYY"/)
  })

  it.each([
    ['DTSTART inside the rule', 'DTSTART:20190331\nRRULE:FREQ=YEARLY', /DTSTART/],
    ['TZID inside the rule', 'FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31;TZID=Europe/Oslo', /TZID/],
    ['a month out of range', 'FREQ=YEARLY;BYMONTH=13;BYMONTHDAY=31', /BYMONTH/],
    ['a rule without occurrences', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31', /no occurrences/],
  ])('rejects %s', (_, rule, problem) => {
    const dir = copy()
    edit(dir, 'event-types/arsberetning.json', json => { json.schedule.rrule = rule })
    const err = failure(dir)
    expect(err.file).toBe('templates/event-types/arsberetning.json')
    expect(err.pointer).toBe('/schedule/rrule')
    expect(err.problem).toMatch(problem)
  })

  it('rejects a DTSTART that is not an occurrence of its rule', () => {
    const dir = copy()
    edit(dir, 'event-types/arsberetning.json', json => { json.schedule.dtstart = 'DTSTART;VALUE=DATE:20190301' })
    const err = failure(dir)
    expect(err.pointer).toBe('/schedule/dtstart')
    expect(err.problem).toMatch(/first occurrence: 2019-03-31/)
  })

  it('rejects a DTSTART in the wrong shape', () => {
    const dir = copy()
    edit(dir, 'event-types/arsberetning.json', json => { json.schedule.dtstart = '2019-03-31' })
    expect(failure(dir).pointer).toBe('/schedule/dtstart')
  })

  it('rejects an unknown valgperiode anchor', () => {
    const dir = copy()
    edit(dir, 'event-types/eierskapsmelding.json', json => { json.schedule.anchor = 'midterm' })
    const err = failure(dir)
    expect(err.pointer).toBe('/schedule/anchor')
    expect(err.problem).toMatch(/must be one of .*"end_of_period"/)
  })

  it('rejects an unknown schedule type', () => {
    const dir = copy()
    edit(dir, 'event-types/eierskapsmelding.json', json => { json.schedule = { type: 'weekly' } })
    expect(failure(dir).pointer).toBe('/schedule/type')
  })

  it('rejects an unknown body kind', () => {
    const dir = copy()
    edit(dir, 'event-types/arsberetning.json', json => { json.responsibleBodyKind = 'radmann' })
    const err = failure(dir)
    expect(err.pointer).toBe('/responsibleBodyKind')
    expect(err.problem).toMatch(/got "radmann"/)
  })

  it('rejects an all-day rule on a timed event', () => {
    const dir = copy()
    edit(dir, 'event-types/arsberetning.json', json => { json.timing = { allDay: false, durationMinutes: 60 } })
    expect(failure(dir).pointer).toBe('/timing/allDay')
  })

  it('rejects a package pointing at an unknown event type', () => {
    const dir = copy()
    edit(dir, 'packages/iks.json', json => { json.eventTypes[0].eventType = 'iks_arsmote' })
    const err = failure(dir)
    expect(err.file).toBe('templates/packages/iks.json')
    expect(err.message).toBe('templates/packages/iks.json: /eventTypes/0/eventType: unknown event type "iks_arsmote"')
  })

  it('rejects municipalityKinds on a collaboration package', () => {
    const dir = copy()
    edit(dir, 'packages/iks.json', json => { json.eventTypes[0].municipalityKinds = ['kommune'] })
    expect(failure(dir).message).toBe('templates/packages/iks.json: /eventTypes/0/municipalityKinds: only applies to municipality packages')
  })

  it('rejects an unknown municipality kind', () => {
    const dir = copy()
    edit(dir, 'packages/kommune.json', json => { json.eventTypes[0].municipalityKinds = ['bydel'] })
    const err = failure(dir)
    expect(err.pointer).toBe('/eventTypes/0/municipalityKinds/0')
    expect(err.problem).toMatch(/got "bydel"/)
  })

  it('rejects a municipal body on a collaboration without bodyOwner', () => {
    const dir = copy()
    edit(dir, 'packages/vertskommune.json', json => { delete json.eventTypes[0].bodyOwner })
    const err = failure(dir)
    expect(err.file).toBe('templates/packages/vertskommune.json')
    expect(err.pointer).toBe('/eventTypes/0/responsibleBodyKind')
  })

  it('rejects a file whose name differs from its key', () => {
    const dir = copy()
    renameSync(path.join(dir, 'event-types/arsberetning.json'), path.join(dir, 'event-types/arsmelding.json'))
    const err = failure(dir)
    expect(err.file).toBe('templates/event-types/arsmelding.json')
    expect(err.pointer).toBe('/key')
  })

  it('rejects a møteplan whose file name differs from its body kind', () => {
    const dir = copy()
    edit(dir, 'moteplaner/styre.json', json => { json.bodyKind = 'formannskap' })
    const err = failure(dir)
    expect(err.file).toBe('templates/moteplaner/styre.json')
    expect(err.pointer).toBe('/bodyKind')
  })

  it('rejects a møteplan starting between 02:00 and 03:00', () => {
    const dir = copy()
    edit(dir, 'moteplaner/styre.json', json => { json.dtstart = 'DTSTART;TZID=Europe/Oslo:20190314T023000' })
    const err = failure(dir)
    expect(err.pointer).toBe('/dtstart')
    expect(err.problem).toMatch(/02:xx/)
  })

  it('rejects a bad RRULE in a møteplan', () => {
    const dir = copy()
    edit(dir, 'moteplaner/kommunestyre.json', json => { json.rrule = 'FREQ=MONTHLY;BYDAY=XX' })
    const err = failure(dir)
    expect(err.message).toMatch(/^templates\/moteplaner\/kommunestyre\.json: \/rrule: invalid RRULE "FREQ=MONTHLY;BYDAY=XX"/)
  })
})
