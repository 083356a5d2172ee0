// Issue 12: the region is data. A second region's register (Valdres, written for this test in the raw layout:
// six columns, nynorsk, the 2018 act's forms, an umbrella with `*` parts, a comment naming another
// collaboration) puts its own municipalities in the region with their kommunenummer, and invents none.
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { refusal } from '../helpers/services.js'
import { SEED_REGISTER } from '../../src/seed.js'
import { loadKommuneDirectory } from '../../src/domain/kommuner.js'
import type { Actor } from '../../src/services/access.js'
import type { CollaborationView } from '../../src/services/collaborations.js'

const ACTOR: Actor = { tokenId: null, label: 'test-import', role: 'admin', municipalityIds: [] }
const VALDRES = new Uint8Array(fs.readFileSync(new URL('../register/fixtures/valdres-register-2024.tsv', import.meta.url)))
const SEED = new Uint8Array(fs.readFileSync(SEED_REGISTER))
const VALDRES_REGION = [
  ['nord-aurdal', '3451'], ['sor-aurdal', '3449'], ['etnedal', '3450'], ['vestre-slidre', '3452'], ['oystre-slidre', '3453'], ['vang', '3454'],
]
const roles = (c: CollaborationView) => c.participants.map(p => `${p.slug}:${p.role}`).sort()
const ALL_SIX = (role: string) => VALDRES_REGION.map(([slug]) => `${slug}:${role}`).sort()

describe('a second region\'s register: Valdres, in nynorsk', () => {
  let t: TestApp
  let report: Awaited<ReturnType<TestApp['services']['register']['import']>>
  beforeAll(async () => {
    t = await buildTestApp({ seed: false })
    report = await t.services.register.import(ACTOR, VALDRES, { dryRun: false, name: 'valdres-register-2024.tsv' })
  }, 60_000)
  afterAll(async () => { await t.close() })

  it('puts the six column municipalities in the region, with their kommunenummer, and reads all 15 rows', async () => {
    expect(report).toMatchObject({ encoding: 'utf-8', entries: 15, created: 15, files: [{ name: 'valdres-register-2024.tsv', entries: 15, region: VALDRES_REGION.map(([s]) => s) }] })
    const inRegion = (await t.services.municipalities.listInRegion()).map(m => [m.slug, m.kommunenummer])
    expect(inRegion.sort()).toEqual([...VALDRES_REGION].sort())
    expect(await t.services.municipalities.get('oystre-slidre')).toMatchObject({ name: 'Øystre Slidre', county: 'Innlandet', kind: 'kommune' })
    // Being in the region is what gives a municipality its statutory bodies and packages.
    expect(report.governance!.created).toBeGreaterThan(0)
    const bodies = (await t.sql.all("select b.kind from body b join municipality m on m.id = b.municipality_id where m.slug = 'vang' order by 1")).map(r => (r as { kind: string }).kind)
    expect(bodies).toContain('kommunestyre')
  })

  it('invents no municipality: every one stored is in the official list, and the outside ones are outside the region', async () => {
    const directory = loadKommuneDirectory()
    const stored = (await t.sql.all('select slug, name, kommunenummer, in_region as "inRegion" from municipality order by slug')) as Array<{ slug: string; name: string; kommunenummer: string; inRegion: number }>
    for (const m of stored) expect(directory.byNumber(m.kommunenummer)?.name).toBe(m.name)
    expect(stored.filter(m => !m.inRegion).map(m => `${m.slug}:${m.kommunenummer}`)).toEqual(['hemsedal:3326', 'innlandet-fylkeskommune:34', 'laerdal:4642'])
    expect(stored.map(m => m.name)).not.toContain('Valdres')
    expect(stored.map(m => m.name.toLowerCase())).not.toContain('herøy')
  })

  it('reads the 2018 act\'s forms and abbreviations, and the 1992 act\'s', async () => {
    const forms = Object.fromEntries((await t.services.collaborations.listAll()).map(c => [c.slug, c.legalForm]))
    expect(forms).toMatchObject({
      'valdres-regionrad': 'interkommunalt_politisk_rad', // IPR (§ 18-1)
      'valdres-ikt': 'kommunalt_oppgavefellesskap', // KO
      'felles-servicedesk': 'vertskommune_administrativ', // § 20-2
      'felles-sak-og-arkivsystem': 'vertskommune_administrativ', // kommunelova § 20-2
      'valdres-legevakt': 'vertskommune_felles_nemnd', // § 20-4
      'barnevern-valdres': 'vertskommune_administrativ', // § 28-1 b
      'felles-kommuneoverlege': 'vertskommune_felles_nemnd', // § 28-1 c
      kontrollutvalssekretariat: 'paragraf_27', // koml. § 27
      'valdres-brann-og-redningsteneste': 'kommunalt_oppgavefellesskap', // Kommunalt oppgåvefellesskap
      'valdres-natur-og-kulturpark': 'stiftelse', // Stifting
    })
    expect(report.warnings.map(w => w.code)).not.toContain('unknown_legal_form')
  })

  it('gives each vertskommune arrangement its host from the nynorsk comment', async () => {
    const hosts = Object.fromEntries((await t.services.collaborations.listAll()).filter(c => c.host).map(c => [c.slug, c.host!.slug]))
    expect(hosts).toEqual({
      'valdres-ikt': 'nord-aurdal',
      'felles-servicedesk': 'nord-aurdal',
      'felles-sak-og-arkivsystem': 'nord-aurdal',
      'valdres-legevakt': 'nord-aurdal',
      'barnevern-valdres': 'sor-aurdal',
      'valdres-ppt': 'oystre-slidre',
      'felles-kommuneoverlege': 'vestre-slidre',
    })
    expect(roles(await t.services.collaborations.get('valdres-legevakt'))).toEqual([...ALL_SIX('deltaker').filter(r => !r.startsWith('nord-aurdal')), 'laerdal:deltaker', 'nord-aurdal:vertskommune'].sort())
  })

  it('reads "Sjå under*" as an umbrella with its `*` parts', async () => {
    expect((await t.services.collaborations.get('valdres-ikt')).parentSlug).toBeNull()
    expect((await t.services.collaborations.get('felles-servicedesk')).parentSlug).toBe('valdres-ikt')
    expect((await t.services.collaborations.get('felles-sak-og-arkivsystem')).parentSlug).toBe('valdres-ikt')
    expect((await t.services.collaborations.get('valdres-kommunerevisjon')).parentSlug).toBeNull()
  })

  it('reads nynorsk: "Avtala er sagt opp", "Med fleire kommunar", "deltek", and a quoted cell', async () => {
    expect(await t.services.collaborations.get('barnevern-valdres')).toMatchObject({ status: 'terminated' })
    expect((await t.services.collaborations.get('valdres-brann-og-redningsteneste')).otherParticipants).toBe('Med fleire kommunar')
    expect(await t.services.collaborations.get('felles-sak-og-arkivsystem')).toMatchObject({ comment: 'Nord-Aurdal vertskommune. Med fleire kommunar', otherParticipants: 'Med fleire kommunar' })
    expect((await t.services.collaborations.get('valdres-kommunerevisjon')).comment).toBe('Deltek i "Revisjon Innlandet"')
    expect(roles(await t.services.collaborations.get('valdres-kommunerevisjon'))).toEqual(ALL_SIX('eier'))
  })

  it('a comment naming another collaboration is a relation and a warning, never a municipality', async () => {
    const council = await t.services.collaborations.get('valdres-regionrad')
    expect(roles(council)).toEqual(ALL_SIX('deltaker'))
    expect(council).toMatchObject({ otherParticipants: 'Med Valdres natur- og kulturpark', comment: 'Med Valdres natur- og kulturpark' })
    expect(report.warnings).toContainEqual({
      line: 6,
      code: 'relation',
      file: 'valdres-register-2024.tsv',
      message: '«Valdres regionråd»: «Valdres natur- og kulturpark» er ikke en kommune, men et annet samarbeid eller en organisasjon. Lagret som merknad om andre deltakere.',
    })
  })

  it('says every guess: a former county\'s fylkeskommune, and an ambiguous name with its candidates (not added)', async () => {
    expect(report.warnings.filter(w => w.code !== 'relation').map(w => `${w.line} ${w.code}: ${w.message}`)).toEqual([
      '14 municipality_guessed: «Kontrollutvalssekretariat»: «Oppland fylkeskommune» er tolket som Innlandet fylkeskommune (34): Oppland og Hedmark ble Innlandet i 2020.',
      '19 ambiguous_municipality: «Felles kommuneoverlege»: deltakeren «Herøy» kan være Herøy (Møre og Romsdal) (1515) eller Herøy (Nordland) (1818). Den er ikke lagt til; skriv navnet med fylket.',
    ])
    expect(roles(await t.services.collaborations.get('felles-kommuneoverlege'))).toEqual(['etnedal:deltaker', 'oystre-slidre:deltaker', 'vang:deltaker', 'vestre-slidre:vertskommune'])
  })

  it('a second import of the same file changes nothing', async () => {
    const before = await t.snapshot()
    t.clock.advance(24 * 60 * 60 * 1000)
    expect(await t.services.register.import(ACTOR, VALDRES, { dryRun: false })).toMatchObject({ created: 0, updated: 0, unchanged: 15, municipalitiesCreated: [] })
    expect(await t.snapshot()).toBe(before)
  })
})

describe('importMany: two regions in one batch', () => {
  let t: TestApp
  afterAll(async () => { await t.close() })

  it('puts both regions in the region, applies governance once, and keeps each region\'s collaborations apart', async () => {
    t = await buildTestApp({ seed: false })
    // A row Valdres shares by name with the seed register: Valdres's gets its own slug.
    const shared = new TextEncoder().encode(new TextDecoder().decode(VALDRES) + 'Felles personvernombud\t§ 20-2\tx\tx\tx\tx\tx\tx\tVang vertskommune\r\n')
    const report = await t.services.register.importMany(ACTOR, [
      { name: 'register-2019-01-01.tsv', bytes: SEED },
      { name: 'valdres.tsv', bytes: shared },
    ], { dryRun: false })
    expect(report).toMatchObject({ entries: 57 + 16, created: 57 + 16, encoding: 'utf-8' })
    expect(report.files.map(f => [f.name, f.region.length])).toEqual([['register-2019-01-01.tsv', 3], ['valdres.tsv', 6]])
    expect((await t.services.municipalities.listInRegion()).map(m => m.slug).sort()).toEqual(['gausdal', 'lillehammer', 'oyer', ...VALDRES_REGION.map(([s]) => s)].sort())
    // Governance ran once for the batch, after both files: every rule counted there is in the database.
    expect(report.governance!.created + report.governance!.moteplaner).toBe(((await t.sql.get('select count(*) as n from rule')) as { n: number }).n)

    expect((await t.services.collaborations.get('felles-personvernombud')).host?.slug).toBe('lillehammer')
    expect((await t.services.collaborations.get('felles-personvernombud-nord-aurdal')).host?.slug).toBe('vang')
    expect(report.warnings).toContainEqual(expect.objectContaining({ file: 'valdres.tsv', code: 'slug_in_use', message: expect.stringContaining('«felles-personvernombud-nord-aurdal»') }))

    // Each file again, on its own: both are settled (the slug claimed stays with its region).
    const before = await t.snapshot()
    t.clock.advance(24 * 60 * 60 * 1000)
    expect(await t.services.register.importMany(ACTOR, [{ name: 'valdres.tsv', bytes: shared }], { dryRun: false })).toMatchObject({ created: 0, updated: 0, unchanged: 16 })
    expect(await t.services.register.import(ACTOR, SEED, { dryRun: false })).toMatchObject({ created: 0, updated: 0, unchanged: 57 })
    expect(await t.snapshot()).toBe(before)
  }, 120_000)

  it('reads the same region\'s register twice in one batch as the same collaborations (two saves of one file)', async () => {
    const crlf = new TextEncoder().encode(new TextDecoder().decode(VALDRES).replace(/\r?\n/g, '\r\n'))
    const count = async () => ((await t.sql.get('select count(*) as n from collaboration')) as { n: number }).n
    const collaborations = await count()
    const report = await t.services.register.importMany(ACTOR, [
      { name: 'valdres.tsv', bytes: VALDRES },
      { name: 'valdres-crlf.tsv', bytes: crlf },
    ], { dryRun: false })
    expect(report.warnings.filter(w => w.code === 'slug_in_use')).toEqual([])
    expect(report.created).toBe(0)
    expect(await count()).toBe(collaborations)
  }, 120_000)

  it('stores the later file\'s row where two files of a batch disagree about a collaboration, says so, and the batch run again changes nothing', async () => {
    const row = 'Valdres kommunestyreforum\tUformelt\tx\tx\tx\tx\tx\tx\t'
    const text = new TextDecoder().decode(VALDRES)
    expect(text).toContain(row)
    const later = new TextEncoder().encode(text.replace(row, `${row}Møtest to gonger i året`))
    const batch = [{ name: 'valdres.tsv', bytes: VALDRES }, { name: 'valdres-ny.tsv', bytes: later }]
    const first = await t.services.register.importMany(ACTOR, batch, { dryRun: false })
    expect(first.warnings.filter(w => w.code === 'repeated_in_batch')).toEqual([
      expect.objectContaining({ file: 'valdres-ny.tsv', message: expect.stringMatching(/^«Valdres kommunestyreforum» står også i valdres\.tsv \(linje \d+\) med andre opplysninger/) }),
    ])
    // Counted once each: 15 collaborations, though 30 rows were read.
    expect(first.entries).toBe(30)
    expect(first.created + first.updated + first.unchanged).toBe(15)
    expect((await t.services.collaborations.get('valdres-kommunestyreforum')).comment).toBe('Møtest to gonger i året')

    const before = await t.snapshot()
    t.clock.advance(24 * 60 * 60 * 1000)
    expect(await t.services.register.importMany(ACTOR, batch, { dryRun: false })).toMatchObject({ created: 0, updated: 0, unchanged: 15 })
    expect(await t.snapshot()).toBe(before)
  }, 120_000)

  it('refuses the whole batch, writing nothing, when one file cannot be read', async () => {
    const before = await t.snapshot()
    const err = await refusal(t.services.register.importMany(ACTOR, [
      { name: 'valdres.tsv', bytes: VALDRES },
      { name: 'budsjett.xlsx', bytes: Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]) },
    ], { dryRun: false }))
    expect(err).toMatchObject({ code: 'register.not_text', message: expect.stringMatching(/^budsjett\.xlsx: .*regnearkfil/) })
    const unknownColumn = await refusal(t.services.register.importMany(ACTOR, [
      { name: 'feil.tsv', bytes: new TextEncoder().encode('Pr. 01.01.2024\tType samarbeid\tNord-Aurdal\tValdres\tKommentarar\nX\tIKS\tx\tx\t\n') },
    ], { dryRun: false }))
    expect(unknownColumn).toMatchObject({ code: 'register.unknown_column', message: expect.stringContaining('«Valdres»') })
    expect(await refusal(t.services.register.importMany(ACTOR, [], { dryRun: false }))).toMatchObject({ code: 'register.no_files' })
    expect(await t.snapshot()).toBe(before)
  })

  it('reads a column "Herøy" as the Herøy in the county of the other columns, with a warning', async () => {
    const text = 'Pr. 01.01.2024\tType samarbeid\tLeirfjord\tAlstahaug\tHerøy\tKommentarer\nHelgelandssamarbeid\tAvtale\t\tx\tx\t\n'
    const report = await t.services.register.importMany(ACTOR, [{ name: 'helgeland.tsv', bytes: new TextEncoder().encode(text) }], { dryRun: true })
    expect(report.files[0]!.region).toEqual(['leirfjord', 'alstahaug', 'heroy-nordland'])
    expect(report.warnings).toContainEqual(expect.objectContaining({ code: 'municipality_guessed', message: 'Kolonnen «Herøy» er tolket som Herøy (Nordland) (1818), i samme fylke som de andre kolonnene.' }))
  })
})
