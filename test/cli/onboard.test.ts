// src/cli/onboard.ts against a real database file: what it onboards, its report, its refusals.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { envWithoutDatabase, fileDatabase } from './databases.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const database = fileDatabase('arshjul-onboard-')

const onboard = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/onboard.ts', ...args], {
  cwd: root, encoding: 'utf8', env: { ...envWithoutDatabase(), ...database.env, BASE_URL: 'https://arshjul.test' },
})
const rows = () => database.all('select kommunenummer, slug, name, kind, in_region as "inRegion", tracking_from as "trackingFrom" from municipality order by id')

// Each run starts Node with tsx and migrates: seconds each on a loaded machine.
describe('npm run onboard', { timeout: 120_000 }, () => {
  it('onboards kommuner by number and name into an empty database and prints the report', async () => {
    const run = onboard('3401', 'Gausdal', 'Herøy (Nordland)', '--tracking-from', '2027-01-01')
    expect(run.stderr).toMatch(/^3 enheter: 3 opprettet, 0 gjenopprettet, 0 lagt til i regionen, 0 var med fra før; sporingsstart 2027-01-01; \d+ nye regler/)
    expect(run.status).toBe(0)
    const report = JSON.parse(run.stdout)
    expect(report.onboarded.map((u: { slug: string; status: string }) => [u.slug, u.status])).toEqual([['kongsvinger', 'created'], ['gausdal', 'created'], ['heroy-nordland', 'created']])
    expect(await rows()).toEqual([
      { kommunenummer: '3401', slug: 'kongsvinger', name: 'Kongsvinger', kind: 'kommune', inRegion: 1, trackingFrom: '2027-01-01' },
      { kommunenummer: '3441', slug: 'gausdal', name: 'Gausdal', kind: 'kommune', inRegion: 1, trackingFrom: '2027-01-01' },
      { kommunenummer: '1818', slug: 'heroy-nordland', name: 'Herøy (Nordland)', kind: 'kommune', inRegion: 1, trackingFrom: '2027-01-01' },
    ])
  })

  it('a second run changes nothing and says so', async () => {
    const before = await rows()
    const run = onboard('Kongsvinger', '3441', '--tracking-from', '2028-01-01')
    expect(run.status).toBe(0)
    expect(run.stderr).toMatch(/^2 enheter: 0 opprettet, 0 gjenopprettet, 0 lagt til i regionen, 2 var med fra før; .* 0 nye regler fra pakkene, 0 standard møteplaner/)
    expect(await rows()).toEqual(before)
  })

  it('--dry-run shows a county with its fylkeskommune and saves nothing', async () => {
    const before = await rows()
    const run = onboard('--county', 'Oppland', '--dry-run')
    expect(run.status).toBe(0)
    const report = JSON.parse(run.stdout)
    expect(report.dryRun).toBe(true)
    expect(report.onboarded).toHaveLength(47)
    expect(report.onboarded.at(-1)).toMatchObject({ kommunenummer: '34', name: 'Innlandet fylkeskommune', kind: 'fylkeskommune' })
    expect(run.stderr).toMatch(/^Prøvekjøring \(ikke lagret\): 47 enheter/)
    expect(await rows()).toEqual(before)
  })

  it.each([
    [['Herøy'], /^Avvist \(<kommune> nr\. 1\): «Herøy» kan være Herøy \(Møre og Romsdal\) \(1515\), Herøy \(Nordland\) \(1818\)/],
    [['Gausdal', 'Atlantis'], /^Avvist \(<kommune> nr\. 2\): «Atlantis» er ikke en kommune/],
    [['--county', '77'], /^Avvist \(--county\)/],
    [['Gausdal', '--tracking-from', '2027-02-30'], /^Avvist \(--tracking-from\): må være en dato/],
  ])('%j is refused with exit 2 and a message naming what, nothing saved', async (args, message) => {
    const before = await rows()
    const run = onboard(...args)
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(run.stderr).not.toMatch(/\n\s+at /)
    expect(await rows()).toEqual(before)
  })

  it('prints the usage for --help (exit 0), and for an unknown option or no arguments (exit 2)', () => {
    const help = onboard('--help')
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/^Bruk: npm run onboard -- <kommune>/)
    const unknown = onboard('--frobnicate')
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain('Ukjent valg «--frobnicate».')
    expect(unknown.stderr).toContain('Bruk: npm run onboard')
    const none = onboard()
    expect(none.status).toBe(2)
    expect(none.stderr).toMatch(/^Bruk: npm run onboard/)
  })
})
