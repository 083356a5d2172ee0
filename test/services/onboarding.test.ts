import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestDependencies } from '../helpers/app.js'
import { seedIfEmpty } from '../../src/seed.js'
import { refusal, serviceFixture, type ServiceFixture } from '../helpers/services.js'
import type { Actor } from '../../src/services/access.js'

let t: ServiceFixture
let admin: Actor
beforeEach(async () => {
  t = await serviceFixture()
  admin = t.admin
})
afterEach(async () => { await t.close() })

const municipality = async (slug: string) => (await t.sql.get('select * from municipality where slug = ?', slug)) as
  { id: number; name: string; kind: string; county: string; kommunenummer: string | null; in_region: number; tracking_from: string | null; deleted: number } | undefined
const bodiesOf = (slug: string) => t.sql.all<{ slug: string; name: string; kind: string }>('select b.slug, b.name, b.kind from body b join municipality m on m.id = b.municipality_id where m.slug = ? and b.deleted = 0 order by b.kind, b.slug', slug)
const count = async (sql: string) => ((await t.sql.get(sql)) as { n: number }).n

describe('onboarding by kommunenummer and names', () => {
  it('creates the named municipalities in the region with their bodies, tracking start and packages', async () => {
    const report = await t.services.onboarding.onboard(admin, { municipalities: ['3401', 'Herøy (Nordland)', 'Tana'], trackingFrom: '2027-02-01' })
    expect(report.onboarded.map(u => [u.kommunenummer, u.slug, u.status])).toEqual([
      ['3401', 'kongsvinger', 'created'], ['1818', 'heroy-nordland', 'created'], ['5628', 'deatnu-tana', 'created'],
    ])
    expect(report.onboarded[2]!.note).toMatch(/«Tana» er tolket som Deatnu - Tana/)
    expect(await municipality('heroy-nordland')).toMatchObject({ name: 'Herøy (Nordland)', kind: 'kommune', county: 'Nordland', kommunenummer: '1818', in_region: 1, tracking_from: '2027-02-01' })
    expect((await bodiesOf('kongsvinger')).map(b => b.name)).toEqual(['Formannskapet i Kongsvinger', 'Kommunedirektøren i Kongsvinger', 'Kommunestyret i Kongsvinger', 'Kontrollutvalget i Kongsvinger'])
    expect(report.governance.created).toBeGreaterThan(0)
    expect(await count("select count(*) n from rule r join municipality m on m.id = r.municipality_id where m.slug = 'kongsvinger' and r.origin = 'package'")).toBeGreaterThan(0)
  })

  it('joins an outsider to the region from the onboarding day: its earlier start tracked nothing of its own', async () => {
    await t.sql.run("update municipality set in_region = 0, tracking_from = '2026-05-01', kommunenummer = null where slug = 'gausdal'")
    const report = await t.services.onboarding.onboard(admin, { municipalities: ['Gausdal'], trackingFrom: '2027-02-01' })
    expect(report.onboarded).toEqual([{ kommunenummer: '3441', slug: 'gausdal', name: 'Gausdal', kind: 'kommune', status: 'joined', note: null }])
    expect(await municipality('gausdal')).toMatchObject({ kommunenummer: '3441', in_region: 1, tracking_from: '2027-02-01' })
  })

  it('keeps the tracking start of one in the region, and a later one of an outsider', async () => {
    await t.sql.run("update municipality set tracking_from = '2026-05-01' where slug = 'oyer'")
    await t.sql.run("update municipality set in_region = 0, tracking_from = '2028-01-01' where slug = 'gausdal'")
    const report = await t.services.onboarding.onboard(admin, { municipalities: ['Øyer', 'Gausdal'], trackingFrom: '2027-02-01' })
    expect(report.onboarded.map(u => u.status)).toEqual(['already', 'joined'])
    expect((await municipality('oyer'))?.tracking_from).toBe('2026-05-01')
    expect((await municipality('gausdal'))?.tracking_from).toBe('2028-01-01')
  })

  it('restores a deleted municipality with its bodies', async () => {
    const kongsvinger = (await t.services.onboarding.onboard(admin, { municipalities: ['Kongsvinger'] })).onboarded[0]!
    await t.services.municipalities.remove(admin, kongsvinger.slug)
    const report = await t.services.onboarding.onboard(admin, { municipalities: ['3401'] })
    expect(report.onboarded[0]).toMatchObject({ slug: 'kongsvinger', status: 'restored' })
    expect((await municipality('kongsvinger'))?.deleted).toBe(0)
    expect(await bodiesOf('kongsvinger')).toHaveLength(4)
  })

  it('gives tracking start today in Europe/Oslo when none is given', async () => {
    // The fixture's clock: 2027-01-15T09:00Z.
    const report = await t.services.onboarding.onboard(admin, { municipalities: ['Kongsvinger'] })
    expect(report.trackingFrom).toBe('2027-01-15')
    expect((await municipality('kongsvinger'))?.tracking_from).toBe('2027-01-15')
  })

  it('a second run changes nothing and reports every unit as already there', async () => {
    await t.services.onboarding.onboard(admin, { county: '34', trackingFrom: '2027-02-01' })
    const before = await t.snapshot()
    const again = await t.services.onboarding.onboard(admin, { county: 'Innlandet', trackingFrom: '2027-03-01' })
    expect(new Set(again.onboarded.map(u => u.status))).toEqual(new Set(['already']))
    expect(again.governance).toMatchObject({ created: 0, moteplaner: 0 })
    expect(await t.snapshot()).toBe(before)
  })
})

describe('onboarding a county', () => {
  it('onboards its kommuner and its fylkeskommune with the fylke\'s own bodies', async () => {
    const report = await t.services.onboarding.onboard(admin, { county: '34', trackingFrom: '2027-02-01' })
    expect(report.onboarded.filter(u => u.kind === 'kommune')).toHaveLength(46)
    expect(report.onboarded.filter(u => u.kind === 'fylkeskommune').map(u => u.name)).toEqual(['Innlandet fylkeskommune'])
    // Lillehammer, Gausdal and Øyer were in the region already.
    expect(report.onboarded.filter(u => u.status === 'already').map(u => u.slug).sort()).toEqual(['gausdal', 'lillehammer', 'oyer'])
    const fk = report.onboarded.find(u => u.kommunenummer === '34')!
    expect(await bodiesOf(fk.slug)).toEqual([
      { slug: `${fk.slug}-fylkesutvalg`, name: 'Fylkesutvalget i Innlandet fylkeskommune', kind: 'formannskap' },
      { slug: `${fk.slug}-fylkeskommunedirektor`, name: 'Fylkeskommunedirektøren i Innlandet fylkeskommune', kind: 'kommunedirektor' },
      { slug: `${fk.slug}-fylkesting`, name: 'Fylkestinget i Innlandet fylkeskommune', kind: 'kommunestyre' },
      { slug: `${fk.slug}-kontrollutvalg`, name: 'Kontrollutvalget i Innlandet fylkeskommune', kind: 'kontrollutvalg' },
    ])
  })

  it('takes a former county\'s name as today\'s county', async () => {
    const report = await t.services.onboarding.onboard(admin, { county: 'Oppland' }, { dryRun: true })
    expect(report.onboarded.at(-1)).toMatchObject({ kommunenummer: '34', kind: 'fylkeskommune' })
    expect(report.onboarded).toHaveLength(47)
    // Today's county is larger than the former one (Hedmark too): every unit says what was assumed.
    expect(new Set(report.onboarded.map(u => u.note))).toEqual(new Set(['«Oppland» er i dag Innlandet (34); hele Innlandet er tatt med']))
  })

  it('onboards Oslo as one unit: the kommune with the county\'s tasks', async () => {
    const report = await t.services.onboarding.onboard(admin, { county: '03' })
    expect(report.onboarded.map(u => [u.kommunenummer, u.name, u.kind])).toEqual([['0301', 'Oslo - Oslove', 'kommune']])
  })
})

describe('refusals', () => {
  it.each([
    [{ municipalities: ['Lillehammer', 'Atlantis'] }, 'municipalities/1', 'onboarding.unknown_municipality'],
    [{ municipalities: ['Herøy'] }, 'municipalities/0', 'onboarding.ambiguous_municipality'],
    [{ county: '99' }, 'county', 'onboarding.unknown_county'],
    [{ county: 'Atlantis' }, 'county', 'onboarding.unknown_county'],
    [{ county: 'Viken' }, 'county', 'onboarding.ambiguous_county'],
    [{ municipalities: ['Gausdal'], trackingFrom: '2027-02-30' }, 'trackingFrom', 'onboarding.invalid_tracking_from'],
    [{}, 'municipalities', 'onboarding.nothing'],
  ])('%j → 400 on %s, nothing written', async (input, field, code) => {
    const before = await t.snapshot()
    expect(await refusal(t.services.onboarding.onboard(admin, input))).toMatchObject({ kind: 'invalid', field, code })
    expect(await t.snapshot()).toBe(before)
  })

  it('is for admins only, checked before the input', async () => {
    const before = await t.snapshot()
    expect((await refusal(t.services.onboarding.onboard(null, { municipalities: ['Atlantis'] }))).kind).toBe('unauthorized')
    expect((await refusal(t.services.onboarding.onboard(await t.editorOf('oyer'), { municipalities: ['Atlantis'] }))).kind).toBe('forbidden')
    expect(await t.snapshot()).toBe(before)
  })

  it('a dry run reports what would happen and changes nothing', async () => {
    const before = await t.snapshot()
    const report = await t.services.onboarding.onboard(admin, { municipalities: ['Kongsvinger', 'Troms fylkeskommune'] }, { dryRun: true })
    expect(report.dryRun).toBe(true)
    expect(report.onboarded.map(u => [u.slug, u.status])).toEqual([['kongsvinger', 'created'], ['troms-fylkeskommune', 'created']])
    expect(report.governance.created).toBeGreaterThan(0)
    expect(await t.snapshot()).toBe(before)
  })
})

describe('municipalities from before the official list', () => {
  it('a former county\'s fylkeskommune becomes today\'s: same row and slug, official name, bodies renamed, with a note', async () => {
    // As an import before issue 12 made it: kind fylkeskommune, no kommunenummer, a "Kommunestyret i …".
    await t.services.municipalities.create(admin, { slug: 'sogn-og-fjordane-fylkeskommune', name: 'Sogn og Fjordane fylkeskommune', kind: 'fylkeskommune' })
    await t.sql.run("update body set name = 'Kommunestyret i Sogn og Fjordane fylkeskommune' where slug = 'sogn-og-fjordane-fylkeskommune-fylkesting'")
    const report = await t.services.onboarding.onboard(admin, { municipalities: ['Vestland fylkeskommune'] })
    expect(report.onboarded).toEqual([{
      kommunenummer: '46',
      slug: 'sogn-og-fjordane-fylkeskommune',
      name: 'Vestland fylkeskommune',
      kind: 'fylkeskommune',
      status: 'joined',
      note: 'Het «Sogn og Fjordane fylkeskommune»; navnet er nå Vestland fylkeskommune etter SSBs liste',
    }])
    expect((await bodiesOf('sogn-og-fjordane-fylkeskommune')).map(b => b.name)).toEqual([
      'Fylkesutvalget i Vestland fylkeskommune', 'Fylkeskommunedirektøren i Vestland fylkeskommune',
      'Fylkestinget i Vestland fylkeskommune', 'Kontrollutvalget i Vestland fylkeskommune',
    ])
  })

  it('a fylkeskommune whose bodies got a kommune\'s names gets the fylke\'s, and a name someone chose stays', async () => {
    await t.services.municipalities.create(admin, { slug: 'troms-fylkeskommune', name: 'Troms fylkeskommune', kind: 'fylkeskommune' })
    await t.sql.run("update body set name = 'Kommunestyret i Troms fylkeskommune' where slug = 'troms-fylkeskommune-fylkesting'")
    await t.sql.run("update body set name = 'Fylkesrådet i Troms' where slug = 'troms-fylkeskommune-fylkesutvalg'")
    const report = await t.services.onboarding.onboard(admin, { municipalities: ['55'] })
    expect(report.onboarded).toMatchObject([{ slug: 'troms-fylkeskommune', status: 'joined', note: null }])
    expect((await bodiesOf('troms-fylkeskommune')).map(b => b.name)).toEqual([
      'Fylkesrådet i Troms', 'Fylkeskommunedirektøren i Troms fylkeskommune', 'Fylkestinget i Troms fylkeskommune', 'Kontrollutvalget i Troms fylkeskommune',
    ])
  })

  it('an abbreviation resolves with a note saying what it stands for', async () => {
    const report = await t.services.onboarding.onboard(admin, { municipalities: ['OFK'] }, { dryRun: true })
    expect(report.onboarded[0]).toMatchObject({ kommunenummer: '34', name: 'Innlandet fylkeskommune' })
    expect(report.onboarded[0]!.note).toMatch(/^«OFK» står for Oppland fylkeskommune; «Oppland fylkeskommune» er tolket som Innlandet fylkeskommune \(34\): Oppland og Hedmark ble Innlandet i 2020/)
  })
})

describe('ensureUnits (for the register import)', () => {
  it('makes outsiders exist without putting them in the region, and creates the missing statutory bodies of existing ones', async () => {
    const { onboarding } = t.services
    const directory = onboarding.directory
    await t.sql.run("update body set deleted = 1 where slug = 'gausdal-kontrollutvalg'")
    const rows = await t.deps.transactor.transaction(tx =>
      onboarding.ensureUnits(admin, [directory.byNumber('3401')!, directory.byNumber('3441')!], { inRegion: false, trackingFrom: '2027-02-01' }, tx))
    expect(rows.get('3401')).toMatchObject({ slug: 'kongsvinger', inRegion: false, trackingFrom: '2027-02-01' })
    expect(rows.get('3441')).toMatchObject({ slug: 'gausdal', inRegion: true, kommunenummer: '3441' })
    expect((await bodiesOf('gausdal')).map(b => b.kind)).toContain('kontrollutvalg')
  })
})

describe('the seed (npm start on an empty database)', () => {
  it('onboards the Lillehammer region with its kommunenummer and the first day as tracking start, then imports the register', async () => {
    const { deps, sql, dispose } = await buildTestDependencies({ seed: false, now: '2026-11-30T23:30:00Z' })
    try {
      const report = await seedIfEmpty(deps)
      expect(report?.entries).toBeGreaterThan(0)
      const region = await sql.all('select slug, name, kommunenummer, tracking_from from municipality where in_region = 1 order by kommunenummer')
      // 23:30 UTC on 30 November is 1 December in Oslo.
      expect(region).toEqual([
        { slug: 'lillehammer', name: 'Lillehammer', kommunenummer: '3405', tracking_from: '2026-12-01' },
        { slug: 'oyer', name: 'Øyer', kommunenummer: '3440', tracking_from: '2026-12-01' },
        { slug: 'gausdal', name: 'Gausdal', kommunenummer: '3441', tracking_from: '2026-12-01' },
      ])
      expect(await seedIfEmpty(deps)).toBeNull()
    } finally {
      await dispose()
    }
  })

  it('the shared test template tracks from 2025-01-01 (the suite counts the seed\'s history)', async () => {
    expect(await t.sql.all('select distinct tracking_from t from municipality where in_region = 1')).toEqual([{ t: '2025-01-01' }])
  })
})
