import fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { refusal } from '../helpers/services.js'
import { parseRegister } from '../../src/register/parse.js'
import { SEED_REGISTER, seedIfEmpty } from '../../src/seed.js'
import type { CollaborationView } from '../../src/services/collaborations.js'
import { auditActor, type Actor } from '../../src/services/access.js'

const SEED_TEXT = fs.readFileSync(SEED_REGISTER, 'utf8')
const ACTOR: Actor = { tokenId: null, label: 'test-import', role: 'admin', municipalityIds: [] }
const ACTOR_LABEL = auditActor(ACTOR).label
const DAY = 24 * 60 * 60 * 1000

const open: TestApp[] = []
async function app (opts: { seed?: boolean } = {}): Promise<TestApp> {
  const t = await buildTestApp(opts)
  open.push(t)
  return t
}
afterEach(async () => {
  for (const t of open.splice(0)) await t.close()
})

const importText = (t: TestApp, text: string, dryRun = false) => t.services.register.import(ACTOR, text, { dryRun })
const exportText = (t: TestApp) => t.services.register.export()
const count = async (t: TestApp, table: string) => ((await t.sql.get(`select count(*) as n from "${table}"`)) as { n: number }).n
const roles = (c: CollaborationView) => c.participants.map(p => `${p.slug}:${p.role}`).sort()

/** The data rows of the seed file: not the header, not an area row (a name and nothing else), not blank. */
function seedDataRowCount (): number {
  return SEED_TEXT.split('\n').filter(line => {
    const cells = line.split('\t')
    if (cells.every(c => c.trim() === '')) return false
    if (/^Pr\.\s*\d/.test(cells[0] ?? '')) return false
    return cells.slice(1).some(c => c.trim() !== '')
  }).length
}

// The parser's four anomalies, and each time the register names Oppland fylkeskommune (now Innlandet's).
const SEED_WARNINGS = [
  { line: 3, code: 'municipality_guessed' },
  { line: 16, code: 'municipality_guessed' },
  { line: 18, code: 'municipality_guessed' },
  { line: 23, code: 'empty_legal_form' },
  { line: 23, code: 'municipality_guessed' },
  { line: 34, code: 'empty_legal_form' },
  { line: 50, code: 'municipality_guessed' },
  { line: 56, code: 'empty_legal_form' },
  { line: 63, code: 'no_participant' },
]
const MUNICIPALITIES_CREATED = ['lillehammer', 'gausdal', 'oyer', 'innlandet-fylkeskommune', 'ringebu', 'nord-fron', 'ringsaker', 'hamar']

/** What the repository reads back for one collaboration, in a form two databases can be compared by. */
function comparable (c: CollaborationView) {
  return {
    slug: c.slug,
    name: c.name,
    legalForm: c.legalForm,
    area: c.area,
    host: c.host?.slug ?? null,
    status: c.status,
    otherParticipants: c.otherParticipants,
    parentSlug: c.parentSlug,
    participants: roles(c),
  }
}

describe('importing the 2019 register into an empty database', () => {
  it('creates all 57 collaborations and reports the four known anomalies by line', async () => {
    const t = await app({ seed: false })
    const report = await importText(t, SEED_TEXT)
    expect(report).toMatchObject({ dryRun: false, entries: 57, created: 57, updated: 0, unchanged: 0 })
    expect(report.warnings.map(w => ({ line: w.line, code: w.code }))).toEqual(SEED_WARNINGS)
    // The parser is the authority on the lines; the service passes its warnings through, naming the file.
    expect(report.warnings.filter(w => w.code !== 'municipality_guessed')).toEqual(parseRegister(SEED_TEXT).warnings.map(w => ({ ...w, file: 'registeret' })))
    expect(report.warnings[8]!.message).toContain('Øyeblikkelighjelp-senger')
    expect(report.warnings[0]!.message).toBe('«Regionråd»: «Oppland fylkeskommune» er tolket som Innlandet fylkeskommune (34): Oppland og Hedmark ble Innlandet i 2020.')
    expect(report.encoding).toBe('utf-8')
    expect(report.municipalitiesCreated).toEqual(MUNICIPALITIES_CREATED)
  })

  it('stores one collaboration per data row of the file, and the region and outside municipalities apart', async () => {
    const t = await app({ seed: false })
    await importText(t, SEED_TEXT)
    expect(seedDataRowCount()).toBe(57)
    expect(await count(t, 'collaboration')).toBe(seedDataRowCount())
    expect((await t.services.municipalities.listInRegion()).map(m => m.slug).sort()).toEqual(['gausdal', 'lillehammer', 'oyer'])
    const outside = (await t.services.municipalities.list({ inRegion: false, limit: 100, offset: 0 })).items
    expect(outside.map(m => `${m.slug}:${m.kind}`).sort()).toEqual([
      'hamar:kommune', 'innlandet-fylkeskommune:fylkeskommune', 'nord-fron:kommune', 'ringebu:kommune', 'ringsaker:kommune',
    ])
    expect(await t.services.municipalities.get('oyer')).toMatchObject({ name: 'Øyer', county: 'Innlandet', inRegion: true, kommunenummer: '3440' })
    expect(await t.services.municipalities.get('innlandet-fylkeskommune')).toMatchObject({ kommunenummer: '34', inRegion: false })
  })

  it('is what seedIfEmpty does on a first start, and seedIfEmpty does nothing the second time', async () => {
    const t = await app({ seed: false })
    const report = await seedIfEmpty(t.deps)
    expect(report).toMatchObject({ entries: 57, created: 57, updated: 0, unchanged: 0 })
    // The seed onboards the region first; the register then adds those it names outside the region.
    expect(report!.municipalitiesCreated).toEqual(MUNICIPALITIES_CREATED.slice(3))
    expect(await count(t, 'rule')).toBeGreaterThan(0)
    const before = await t.snapshot()
    t.clock.advance(DAY)
    expect(await seedIfEmpty(t.deps)).toBeNull()
    expect(await t.snapshot()).toBe(before)
  })
})

describe('what the seeded register says about individual collaborations', () => {
  let t: TestApp
  const get = (slug: string) => t.services.collaborations.get(slug)

  it('a vertskommune arrangement with an outside participant: Felles personvernombud', async () => {
    t = await app()
    const c = await get('felles-personvernombud')
    expect(c).toMatchObject({ name: 'Felles personvernombud', legalForm: 'vertskommune_administrativ', legalFormRaw: '§ 28 – 1B', area: 'Administrativt samarbeid', status: 'active', parentSlug: null })
    expect(c.host).toEqual({ slug: 'lillehammer', name: 'Lillehammer' })
    expect(roles(c)).toEqual(['gausdal:deltaker', 'lillehammer:vertskommune', 'oyer:deltaker', 'ringebu:deltaker'])
  })

  it('a host other than Lillehammer and a participant that "er med": Fellesenhet skatt', async () => {
    t = await app()
    const c = await get('fellesenhet-skatt-innfordring-arbeidsgiverkontroll')
    expect(c.host?.slug).toBe('oyer')
    expect(roles(c)).toEqual(['gausdal:deltaker', 'lillehammer:deltaker', 'nord-fron:deltaker', 'oyer:vertskommune'])
  })

  it('an outside host that is not a participant: Interkommunal barnevernvakt (Ringsaker)', async () => {
    t = await app()
    const c = await get('interkommunal-barnevernvakt')
    expect(c.host).toEqual({ slug: 'ringsaker', name: 'Ringsaker' })
    expect(c.area).toBe('Kompetanse, opplæring, oppvekst')
    expect(roles(c)).toEqual(['gausdal:deltaker', 'lillehammer:deltaker', 'oyer:deltaker'])
    expect(c.participants.map(p => p.slug)).not.toContain('ringsaker')
  })

  it('terminated agreements with OFK as participant: INNOFF and Eioff', async () => {
    t = await app()
    const innoff = await get('innoff-innkjopssamarbeid-felles-anbud')
    expect(innoff).toMatchObject({
      name: 'INNOFF Innkjøpssamarbeid, felles anbud',
      legalForm: 'paragraf_27',
      status: 'terminated',
      statusNote: 'Avtalen er sagt opp (kilde: registeret)',
      otherParticipants: 'Med flere kommuner og OFK',
      host: null,
    })
    expect(roles(innoff)).toEqual(['gausdal:deltaker', 'innlandet-fylkeskommune:deltaker', 'lillehammer:deltaker', 'oyer:deltaker'])
    expect(innoff.bodies.map(b => b.kind)).toEqual(['styre'])

    const eioff = await get('eioff-eiendomsforvaltning-driftskontroll')
    // The legal-form cell is empty: stored as 'annet' with no raw text.
    expect(eioff).toMatchObject({ legalForm: 'annet', legalFormRaw: null, area: 'Tekniske tjenester', status: 'terminated', otherParticipants: null })
    expect(roles(eioff)).toEqual(['gausdal:deltaker', 'innlandet-fylkeskommune:deltaker', 'lillehammer:deltaker'])
  })

  it('an umbrella and its parts: Regionalt helsesamarbeid and Legevaktsamarbeid', async () => {
    t = await app()
    const umbrellaSlug = 'regionalt-helsesamarbeid-overbygning-med-felles-hovedavtale-og-6-delavtaler'
    const part = await get('legevaktsamarbeid')
    expect(part).toMatchObject({ name: 'Legevaktsamarbeid', parentSlug: umbrellaSlug, area: 'Helse og omsorg' })
    expect(part.host?.slug).toBe('lillehammer')
    const umbrella = await get(umbrellaSlug)
    expect(umbrella).toMatchObject({ name: 'Regionalt helsesamarbeid – overbygning med felles hovedavtale og 6 delavtaler.', parentSlug: null, legalForm: 'vedtak' })
    expect(roles(umbrella)).toEqual(['gausdal:deltaker', 'lillehammer:deltaker', 'oyer:deltaker', 'ringebu:deltaker'])
    const parts = (await t.services.collaborations.listAll()).filter(c => c.parentSlug === umbrellaSlug).map(c => c.slug)
    expect(parts).toEqual(['miljorettet-helsevern', 'legevaktsamarbeid', 'intermediaere-senger', 'oyeblikkelighjelp-senger', 'gerica-elektronisk-pasientjournal', 'frisklivsentral'])
    // Line 63: no municipality is marked, but the comment still names the host.
    const oyeblikkelig = await get('oyeblikkelighjelp-senger')
    expect(oyeblikkelig.participants).toEqual([])
    expect(oyeblikkelig.host?.slug).toBe('lillehammer')
  })

  it('an AS owned by one municipality: Gudbrandsdalsmusea AS', async () => {
    t = await app()
    const c = await get('gudbrandsdalsmusea-as')
    expect(c).toMatchObject({ legalForm: 'as', area: 'Reiseliv, natur og kultur', comment: 'Samarbeidsavtale', host: null, otherParticipants: null })
    expect(roles(c)).toEqual(['oyer:eier'])
    expect(c.bodies.map(b => b.kind)).toEqual(['generalforsamling', 'styre'])
  })

  it('an IKS: GLØR has owners, a representantskap and a styre', async () => {
    t = await app()
    const c = await get('felles-renovasjonsselskap-glor')
    expect(c).toMatchObject({ name: 'Felles renovasjonsselskap: GLØR', legalForm: 'iks', legalFormRaw: 'IKS', area: 'Renovasjon', comment: null })
    expect(roles(c)).toEqual(['gausdal:eier', 'lillehammer:eier', 'oyer:eier'])
    expect(c.bodies.map(b => b.kind)).toEqual(['representantskap', 'styre'])
    expect(c.bodies.map(b => b.slug)).toEqual(['felles-renovasjonsselskap-glor-representantskap', 'felles-renovasjonsselskap-glor-styre'])
  })

  it('vague other participants are kept as a note: IKOMM AS, Nasjonalparkkommunene, 110-sentralen', async () => {
    t = await app()
    const ikomm = await get('ikomm-as')
    expect(ikomm).toMatchObject({ legalForm: 'as', otherParticipants: '5 eierkommuner i tillegg' })
    expect(roles(ikomm)).toEqual(['gausdal:eier', 'lillehammer:eier', 'oyer:eier'])
    const nasjonalpark = await get('nasjonalparkkommunene-sekretariat')
    expect(nasjonalpark).toMatchObject({ legalForm: 'annet', otherParticipants: 'Flere kommuner med' })
    expect(roles(nasjonalpark)).toEqual(['gausdal:deltaker'])
    const alarm = await get('felles-110-nodalarmingsentral')
    expect(alarm).toMatchObject({ legalFormRaw: '§28 – 1B', legalForm: 'vertskommune_administrativ', otherParticipants: '46 kommuner' })
    expect(alarm.host?.slug).toBe('hamar')
    expect(roles(alarm)).toEqual(['gausdal:deltaker', 'lillehammer:deltaker', 'oyer:deltaker'])
  })

  it('the regionråd gets its political council and OFK as a participant', async () => {
    t = await app()
    const c = await get('regionrad')
    expect(c).toMatchObject({ legalForm: 'avtale', area: 'Regionråd og annet politisk samarbeid' })
    expect(roles(c)).toEqual(['gausdal:deltaker', 'innlandet-fylkeskommune:deltaker', 'lillehammer:deltaker', 'oyer:deltaker'])
    expect(c.bodies.map(b => b.kind)).toEqual(['interkommunalt_politisk_rad'])
  })
})

describe('importing again', () => {
  it('a second import of the same file changes nothing at all', async () => {
    const t = await app()
    const before = await t.snapshot()
    const audit = await t.repos.audit.count()
    // A spurious update would stamp the new time into `modified` and show in the snapshot.
    t.clock.advance(DAY)
    const report = await importText(t, SEED_TEXT)
    expect(report).toMatchObject({ dryRun: false, entries: 57, created: 0, updated: 0, unchanged: 57, municipalitiesCreated: [] })
    expect(report.warnings.map(w => ({ line: w.line, code: w.code }))).toEqual(SEED_WARNINGS)
    expect(await t.repos.audit.count()).toBe(audit)
    expect(await t.snapshot()).toBe(before)
  })

  it('a dry run on an empty database reports what would happen and writes nothing', async () => {
    const t = await app({ seed: false })
    const before = await t.snapshot()
    const dry = await importText(t, SEED_TEXT, true)
    expect(await t.snapshot()).toBe(before)
    expect(await count(t, 'collaboration')).toBe(0)
    expect(await count(t, 'municipality')).toBe(0)

    const real = await importText(t, SEED_TEXT)
    expect(dry).toEqual({ ...real, dryRun: true, governance: null })
    expect(dry).toMatchObject({ entries: 57, created: 57, updated: 0, unchanged: 0 })
  })

  it('a dry run on a seeded database with an edited file reports the update and writes nothing', async () => {
    const t = await app()
    const before = await t.snapshot()
    t.clock.advance(DAY)
    const edited = SEED_TEXT.replace('Regional næringsplan\tVedtak\tx\tx\tx', 'Regional næringsplan\tVedtak\tx\t\tx')
    expect(await importText(t, edited, true)).toMatchObject({ dryRun: true, created: 0, updated: 1, unchanged: 56 })
    expect(await t.snapshot()).toBe(before)
  })

  it('an edited register updates exactly the edited row and creates exactly the added one', async () => {
    const t = await app()
    const vigselBefore = await t.services.collaborations.get('borgerlig-vigsel')
    expect(roles(vigselBefore)).toEqual(['gausdal:deltaker', 'lillehammer:vertskommune'])
    const auditBefore = await t.repos.audit.count()
    const startedAt = t.clock.now().getTime()
    t.clock.advance(DAY)

    const removedGausdal = SEED_TEXT.replace('Borgerlig vigsel\t§ 28 – 1B\tx\tx\t\t', 'Borgerlig vigsel\t§ 28 – 1B\tx\t\t\t')
    expect(removedGausdal).not.toBe(SEED_TEXT)
    const edited = removedGausdal.replace('Felles NAV-kontor\t§ 28 – 1B\tx\tx\t\tLillehammer vertskommune\n',
      'Felles NAV-kontor\t§ 28 – 1B\tx\tx\t\tLillehammer vertskommune\nFelles jobbsenter\tVedtak\t\tx\tx\tMed Ringebu\n')
    expect(edited).not.toBe(removedGausdal)

    const report = await importText(t, edited)
    expect(report).toMatchObject({ dryRun: false, entries: 58, created: 1, updated: 1, unchanged: 56, municipalitiesCreated: [] })

    const vigsel = await t.services.collaborations.get('borgerlig-vigsel')
    expect(roles(vigsel)).toEqual(['lillehammer:vertskommune'])
    expect(vigsel.modified).toBe(t.clock.now().getTime())
    const added = await t.services.collaborations.get('felles-jobbsenter')
    expect(added).toMatchObject({ name: 'Felles jobbsenter', legalForm: 'vedtak', area: 'NAV', status: 'active', host: null, parentSlug: null })
    expect(roles(added)).toEqual(['gausdal:deltaker', 'oyer:deltaker', 'ringebu:deltaker'])

    // Nothing else was touched: every other collaboration keeps its old modified stamp.
    const touched = (await t.services.collaborations.listAll()).filter(c => c.modified !== startedAt).map(c => c.slug).sort()
    expect(touched).toEqual(['borgerlig-vigsel', 'felles-jobbsenter'])
    const newAudit = (await t.repos.audit.list({ limit: 100, offset: 0 })).items.slice(0, await t.repos.audit.count() - auditBefore)
    expect(newAudit.map(e => `${e.action}:${e.entityType}:${e.entityId}`).sort()).toEqual([
      `create:collaboration:${added.id}`, `update:collaboration:${vigsel.id}`,
    ])
    expect(newAudit.every(e => e.actor === ACTOR_LABEL)).toBe(true)
  })

  it('moving a part out from under its umbrella, and back, counts as an update (and a dry run says so)', async () => {
    const t = await app()
    const before = await t.snapshot()
    t.clock.advance(DAY)
    const unstarred = SEED_TEXT.replace('Legevaktsamarbeid*\t', 'Legevaktsamarbeid\t')
    expect(unstarred).not.toBe(SEED_TEXT)
    expect(await importText(t, unstarred, true)).toMatchObject({ created: 0, updated: 1, unchanged: 56 })
    expect(await t.snapshot()).toBe(before)

    expect(await importText(t, unstarred)).toMatchObject({ created: 0, updated: 1, unchanged: 56 })
    expect((await t.services.collaborations.get('legevaktsamarbeid')).parentSlug).toBeNull()
    t.clock.advance(DAY)
    expect(await importText(t, SEED_TEXT)).toMatchObject({ created: 0, updated: 1, unchanged: 56 })
    expect((await t.services.collaborations.get('legevaktsamarbeid')).parentSlug).toBe('regionalt-helsesamarbeid-overbygning-med-felles-hovedavtale-og-6-delavtaler')
  })

  it('a deleted collaboration and its deleted outside host are brought back when the register names them again', async () => {
    const t = await app()
    await t.services.collaborations.remove(ACTOR, 'felles-110-nodalarmingsentral')
    const hamar = await t.services.municipalities.get('hamar')
    await t.services.municipalities.remove(ACTOR, hamar.id)
    expect((await t.services.municipalities.get('hamar')).deleted).toBe(true)
    t.clock.advance(DAY)

    const report = await importText(t, SEED_TEXT)
    expect(report).toMatchObject({ created: 1, updated: 0, unchanged: 56, municipalitiesCreated: ['hamar'] })
    expect(await t.services.municipalities.get('hamar')).toMatchObject({ deleted: false, inRegion: false, kind: 'kommune' })
    const bodies = await t.sql.all('select kind, deleted from body where municipality_id = ? order by id', hamar.id)
    expect(bodies).toEqual(['kommunestyre', 'formannskap', 'kontrollutvalg', 'kommunedirektor'].map(kind => ({ kind, deleted: 0 })))
    const alarm = await t.services.collaborations.get('felles-110-nodalarmingsentral')
    expect(alarm).toMatchObject({ deleted: false, host: { slug: 'hamar', name: 'Hamar' } })
    expect((await t.repos.audit.list({ entityType: 'municipality', entityId: String(hamar.id), limit: 1, offset: 0 })).items[0]).toMatchObject({ action: 'restore', actor: ACTOR_LABEL })
  })

  it('a deleted region municipality is brought back by the next import', async () => {
    const t = await app({ seed: false })
    const header = SEED_TEXT.split('\n').find(l => l.startsWith('Pr.'))!
    expect((await importText(t, `${header}\n`)).municipalitiesCreated).toEqual(['lillehammer', 'gausdal', 'oyer'])
    await t.services.municipalities.remove(ACTOR, 'oyer')
    const report = await importText(t, SEED_TEXT)
    expect(report.municipalitiesCreated).toEqual(['oyer', 'innlandet-fylkeskommune', 'ringebu', 'nord-fron', 'ringsaker', 'hamar'])
    expect(report).toMatchObject({ created: 57 })
    expect(await t.services.municipalities.get('oyer')).toMatchObject({ deleted: false, inRegion: true })
    expect(roles(await t.services.collaborations.get('gudbrandsdalsmusea-as'))).toEqual(['oyer:eier'])
  })

  it('a file without a header is refused with a 400 naming the problem, and nothing is written', async () => {
    const t = await app({ seed: false })
    const before = await t.snapshot()
    for (const text of ['dette er ikke et register\nbare litt tekst\tmed\ttabulatorer\n', 'Regionråd\tAvtale\tx\tx\tx\t\n']) {
      const err = await refusal(importText(t, text))
      expect(err).toMatchObject({ kind: 'invalid', code: 'register.no_header', field: 'body', message: expect.stringContaining('overskriftslinje') })
    }
    // Nothing at all is said as such.
    expect(await refusal(importText(t, ''))).toMatchObject({ kind: 'invalid', code: 'register.empty', field: 'body', message: expect.stringContaining('filen er tom') })
    expect(await t.snapshot()).toBe(before)
  })

  it('a malformed file on a seeded database changes nothing', async () => {
    const t = await app()
    const before = await t.snapshot()
    t.clock.advance(DAY)
    const err = await refusal(t.services.register.import(ACTOR, new TextEncoder().encode('garbage\u0000\u0001 ¤%&\n\t\t\n<html><body>nope</body></html>'), { dryRun: false }))
    expect(err).toMatchObject({ code: 'register.not_text', message: expect.stringContaining('U+0000') })
    expect((await refusal(importText(t, '<html><body>nope</body></html>'))).code).toBe('register.no_header')
    expect(await t.snapshot()).toBe(before)
  })
})

describe('export → import round trip', () => {
  it('exporting the seeded database and importing the text into an empty one reproduces every collaboration', async () => {
    const source = await app()
    const text = await exportText(source)
    const target = await app({ seed: false })
    const report = await importText(target, text)
    expect(report).toMatchObject({ entries: 57, created: 57, updated: 0, unchanged: 0 })
    expect(report.municipalitiesCreated.slice().sort()).toEqual(MUNICIPALITIES_CREATED.slice().sort())

    const a = (await source.services.collaborations.listAll()).map(comparable).sort((x, y) => x.slug.localeCompare(y.slug))
    const b = (await target.services.collaborations.listAll()).map(comparable).sort((x, y) => x.slug.localeCompare(y.slug))
    expect(b).toHaveLength(57)
    expect(b).toEqual(a)

    const municipalities = async (t: TestApp) => (await t.services.municipalities.list({ limit: 100, offset: 0 })).items.map(m => `${m.slug}:${m.name}:${m.kind}:${m.inRegion}`).sort()
    expect(await municipalities(target)).toEqual(await municipalities(source))
    // And the export is a fixed point: the copy exports to the same text.
    expect(await exportText(target)).toBe(text)
  })

  it('the export imported back into its own database re-spells only the non-canonical legal-form cells', async () => {
    const t = await app()
    const before = (await t.services.collaborations.listAll()).map(comparable)
    const startedAt = t.clock.now().getTime()
    t.clock.advance(DAY)
    const text = await exportText(t)
    const report = await importText(t, text)
    // The writer spells legal forms canonically ("§27" → "§ 27"); the import records what the file says.
    expect(report).toMatchObject({ entries: 57, created: 0, updated: 3, unchanged: 54, municipalitiesCreated: [] })
    const touched = (await t.services.collaborations.listAll()).filter(c => c.modified !== startedAt)
    expect(touched.map(c => `${c.slug}:${c.legalFormRaw}`).sort()).toEqual([
      'felles-110-nodalarmingsentral:§ 28 – 1B', 'interkommunalt-arkiv-ika-opplandene:§ 27', 'kontrollutvalgssekretariat:§ 27',
    ])
    expect((await t.services.collaborations.listAll()).map(comparable)).toEqual(before)

    // From then on the export is a fixed point of the import.
    const settled = await t.snapshot()
    t.clock.advance(DAY)
    expect(await importText(t, await exportText(t))).toMatchObject({ created: 0, updated: 0, unchanged: 57 })
    expect(await exportText(t)).toBe(text)
    expect(await t.snapshot()).toBe(settled)
  })
})

describe('POST /api/v1/imports', () => {
  const post = (t: TestApp, headers: Record<string, string>, query = '', payload = SEED_TEXT) => t.app.inject({
    method: 'POST',
    url: `/api/v1/imports${query}`,
    payload,
    headers: { 'content-type': 'text/tab-separated-values; charset=utf-8', ...headers },
  })

  it('an admin gets the same report as the service, and a dry run changes nothing', async () => {
    const reference = await app({ seed: false })
    const expected = await importText(reference, SEED_TEXT)

    const t = await app({ seed: false })
    const before = await t.snapshot()
    const dry = await post(t, t.auth(t.tokens.admin), '?dryRun=true')
    expect(dry.statusCode).toBe(200)
    expect(dry.json()).toEqual({ ...expected, dryRun: true, governance: null })
    expect(await t.snapshot()).toBe(before)

    const res = await post(t, t.auth(t.tokens.admin))
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual(expected)
    expect(await count(t, 'collaboration')).toBe(57)
    // A real import also applies the governance packages and default meeting plans, and says how many.
    const { governance } = res.json() as { governance: { created: number; moteplaner: number } }
    expect(governance.created).toBeGreaterThan(0)
    expect(governance.moteplaner).toBeGreaterThan(0)
    expect(await count(t, 'rule')).toBe(governance.created + governance.moteplaner)
  })

  it('an admin re-importing the seed into the seeded database changes nothing; a dry run neither', async () => {
    const t = await app()
    const before = await t.snapshot()
    t.clock.advance(DAY)
    const res = await post(t, t.auth(t.tokens.admin))
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ dryRun: false, entries: 57, created: 0, updated: 0, unchanged: 57, municipalitiesCreated: [] })
    expect(await t.snapshot()).toBe(before)

    const edited = SEED_TEXT.replace('Regional næringsplan\tVedtak\tx\tx\tx', 'Regional næringsplan\tVedtak\tx\t\tx')
    const dry = await post(t, t.auth(t.tokens.admin), '?dryRun=true', edited)
    expect(dry.statusCode).toBe(200)
    expect(dry.json()).toMatchObject({ dryRun: true, created: 0, updated: 1, unchanged: 56 })
    expect(await t.snapshot()).toBe(before)
  })

  it('a body without a header is a 400 naming the problem, and no changes', async () => {
    const t = await app()
    const before = await t.snapshot()
    const res = await post(t, t.auth(t.tokens.admin), '', 'ikke et register')
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'register.no_header', details: [{ path: 'body' }] })
    expect(await t.snapshot()).toBe(before)
  })

  it('a JSON body is a 415 and an empty one a 400 naming the body; neither writes anything', async () => {
    const t = await app({ seed: false })
    const before = await t.snapshot()
    const json = await t.app.inject({ method: 'POST', url: '/api/v1/imports', headers: t.auth(t.tokens.admin), payload: { register: SEED_TEXT } })
    expect(json.statusCode).toBe(415)
    const empty = await post(t, t.auth(t.tokens.admin), '', '')
    expect(empty.statusCode).toBe(400)
    expect(empty.json().details[0].path).toBe('body')
    expect(await t.snapshot()).toBe(before)
  })

  it('an editor token is a 403 and no token a 401, and neither writes anything', async () => {
    const t = await app()
    const before = await t.snapshot()
    const editor = await post(t, t.auth(t.tokens.editorOyer))
    expect(editor.statusCode).toBe(403)
    expect(editor.json()).toMatchObject({ statusCode: 403, error: 'Forbidden' })
    expect(await t.snapshot()).toBe(before)

    const anonymous = await post(t, {})
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.json()).toMatchObject({ statusCode: 401, code: 'auth.unauthorized' })
    expect(await t.snapshot()).toBe(before)

    const editorDry = await post(t, t.auth(t.tokens.editorOyer), '?dryRun=true')
    expect(editorDry.statusCode).toBe(403)
    expect(await t.snapshot()).toBe(before)
  })
})
