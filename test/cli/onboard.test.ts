// src/cli/onboard.ts against a real database file: what it onboards, its report, its refusals.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
let dir: string
let file: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-onboard-'))
  file = path.join(dir, 'cli.db')
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const onboard = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/onboard.ts', ...args], {
  cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_PATH: file, BASE_URL: 'https://arshjul.test' },
})
const rows = () => {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare('select kommunenummer, slug, name, kind, in_region inRegion, tracking_from trackingFrom from municipality order by id').all()
  } finally { db.close() }
}

// Each run starts Node with tsx and migrates: seconds each on a loaded machine.
describe('npm run onboard', { timeout: 120_000 }, () => {
  it('onboards kommuner by number and name into an empty database and prints the report', () => {
    const run = onboard('3401', 'Gausdal', 'Herøy (Nordland)', '--tracking-from', '2027-01-01')
    expect(run.stderr).toMatch(/^3 enheter: 3 opprettet, 0 gjenopprettet, 0 lagt til i regionen, 0 var med fra før; sporingsstart 2027-01-01; \d+ nye regler/)
    expect(run.status).toBe(0)
    const report = JSON.parse(run.stdout)
    expect(report.onboarded.map((u: { slug: string; status: string }) => [u.slug, u.status])).toEqual([['kongsvinger', 'created'], ['gausdal', 'created'], ['heroy-nordland', 'created']])
    expect(rows()).toEqual([
      { kommunenummer: '3401', slug: 'kongsvinger', name: 'Kongsvinger', kind: 'kommune', inRegion: 1, trackingFrom: '2027-01-01' },
      { kommunenummer: '3441', slug: 'gausdal', name: 'Gausdal', kind: 'kommune', inRegion: 1, trackingFrom: '2027-01-01' },
      { kommunenummer: '1818', slug: 'heroy-nordland', name: 'Herøy (Nordland)', kind: 'kommune', inRegion: 1, trackingFrom: '2027-01-01' },
    ])
  })

  it('a second run changes nothing and says so', () => {
    const before = rows()
    const run = onboard('Kongsvinger', '3441', '--tracking-from', '2028-01-01')
    expect(run.status).toBe(0)
    expect(run.stderr).toMatch(/^2 enheter: 0 opprettet, 0 gjenopprettet, 0 lagt til i regionen, 2 var med fra før; .* 0 nye regler fra pakkene, 0 standard møteplaner/)
    expect(rows()).toEqual(before)
  })

  it('--dry-run shows a county with its fylkeskommune and saves nothing', () => {
    const before = rows()
    const run = onboard('--county', 'Oppland', '--dry-run')
    expect(run.status).toBe(0)
    const report = JSON.parse(run.stdout)
    expect(report.dryRun).toBe(true)
    expect(report.onboarded).toHaveLength(47)
    expect(report.onboarded.at(-1)).toMatchObject({ kommunenummer: '34', name: 'Innlandet fylkeskommune', kind: 'fylkeskommune' })
    expect(run.stderr).toMatch(/^Prøvekjøring \(ikke lagret\): 47 enheter/)
    expect(rows()).toEqual(before)
  })

  it.each([
    [['Herøy'], /^Avvist \(<kommune> nr\. 1\): «Herøy» kan være Herøy \(Møre og Romsdal\) \(1515\), Herøy \(Nordland\) \(1818\)/],
    [['Gausdal', 'Atlantis'], /^Avvist \(<kommune> nr\. 2\): «Atlantis» er ikke en kommune/],
    [['--county', '77'], /^Avvist \(--county\)/],
    [['Gausdal', '--tracking-from', '2027-02-30'], /^Avvist \(--tracking-from\): må være en dato/],
  ])('%j is refused with exit 2 and a message naming what, nothing saved', (args, message) => {
    const before = rows()
    const run = onboard(...args)
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(run.stderr).not.toMatch(/\n\s+at /)
    expect(rows()).toEqual(before)
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
