// src/services/packages.ts: applying governance packages and default møteplaner, and the catalogue reads.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { refusal, serviceFixture, type ServiceFixture } from '../helpers/services.js'

let t: ServiceFixture
beforeEach(async () => { t = await serviceFixture() })
afterEach(async () => { await t.close() })

const ruleCount = async () => ((await t.sql.get('select count(*) as n from rule')) as { n: number }).n

describe('packages.apply', () => {
  it('is idempotent on the seeded region', async () => {
    const before = await t.snapshot()
    const result = await t.services.packages.apply({}, t.admin)
    expect(result.created).toBe(0)
    expect(result.existing).toBeGreaterThan(100)
    expect(await t.snapshot()).toBe(before)
  })

  it('recreates a missing package rule for one municipality, as that municipality’s editor', async () => {
    const id = ((await t.sql.get("select r.id from rule r join municipality m on m.id = r.municipality_id where m.slug = 'oyer' and r.event_type = 'arsberetning'")) as { id: number }).id
    await t.sql.run('delete from rule where id = ?', id)
    const count = await ruleCount()
    expect(await t.services.packages.apply({ municipality: 'oyer', package: 'kommune' }, await t.editorOf('oyer'))).toMatchObject({ created: 1, perPackage: { kommune: 1 } })
    expect(await ruleCount()).toBe(count + 1)
  })

  it('refuses a region-wide apply by an editor, another municipality, an unknown package or subject, storing nothing', async () => {
    const before = await t.snapshot()
    expect(await refusal(t.services.packages.apply({}, await t.editorOf('oyer')))).toMatchObject({ kind: 'forbidden' })
    expect(await refusal(t.services.packages.apply({ municipality: 'gausdal' }, await t.editorOf('oyer')))).toMatchObject({ kind: 'forbidden' })
    expect(await refusal(t.services.packages.apply({ package: 'nope' }, t.admin))).toMatchObject({ kind: 'invalid', field: 'package' })
    expect(await refusal(t.services.packages.apply({ collaboration: 'atlantis' }, t.admin))).toMatchObject({ kind: 'not_found', field: 'collaboration' })
    expect(await refusal(t.services.packages.apply({}, null))).toMatchObject({ kind: 'unauthorized' })
    expect(await t.snapshot()).toBe(before)
  })
})

describe('packages.applyDefaultMoteplaner', () => {
  it('gives a body without a meeting plan its kind’s default, and leaves the others', async () => {
    const body = await t.idOf('body', 'oyer-formannskap')
    await t.sql.run("update rule set deleted = 1 where event_type = 'mote' and responsible_body_id = ? and package_key is null", body)
    expect(await t.services.packages.applyDefaultMoteplaner({ tokenId: null, label: 'test' })).toBe(1)
    expect(await t.sql.all("select origin from rule where event_type = 'mote' and responsible_body_id = ? and deleted = 0", body)).toEqual([{ origin: 'moteplan_default' }])
    expect(await t.services.packages.applyDefaultMoteplaner({ tokenId: null, label: 'test' })).toBe(0)
  })
})

describe('catalogue reads', () => {
  it('lists valgperioder in a window and refuses a reversed one', () => {
    expect(t.services.packages.valgperioder({ from: '2027-01-01', to: '2028-01-01' }).map(p => p.label)).toEqual(['2023–2027', '2027–2031'])
    expect(() => t.services.packages.valgperioder({ from: '2028-01-01', to: '2027-01-01' })).toThrow(expect.objectContaining({ field: 'from' }))
    expect(t.services.packages.eventTypes().length).toBeGreaterThan(20)
  })
})
