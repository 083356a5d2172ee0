import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { refusal as failure, serviceFixture, type ServiceFixture } from '../helpers/services.js'
import type { Actor } from '../../src/services/access.js'

let t: ServiceFixture
let admin: Actor
let editorOyer: Actor
beforeEach(async () => {
  t = await serviceFixture({ labelPrefix: 'test-' })
  admin = t.admin
  editorOyer = await t.editorOf('oyer')
})
afterEach(async () => { await t.close() })

const snapshot = () => t.snapshot()

describe('municipalities', () => {
  it('an editor changes its own municipality, not another, and creates or deletes none', async () => {
    const s = t.deps.services.municipalities
    expect((await s.update(editorOyer, 'oyer', { county: 'Innlandet fylke' })).county).toBe('Innlandet fylke')
    const before = await snapshot()
    expect((await failure(s.update(editorOyer, 'gausdal', { county: 'Et annet sted' }))).kind).toBe('forbidden')
    expect((await failure(s.create(editorOyer, { slug: 'ny', name: 'Ny', kind: 'kommune' }))).kind).toBe('forbidden')
    expect((await failure(s.remove(editorOyer, 'oyer'))).kind).toBe('forbidden')
    expect(await snapshot()).toBe(before)
  })

  it('a new municipality gets its four statutory bodies and one audit row, in one transaction', async () => {
    const s = t.deps.services.municipalities
    const row = await s.create(admin, { slug: 'testby', name: 'Testby', kind: 'kommune', organisasjonsnummer: '974544571' })
    const bodies = (await t.deps.services.bodies.list({ municipality: 'testby', limit: 10, offset: 0 })).items
    expect(bodies.map(b => b.kind).sort()).toEqual(['formannskap', 'kommunedirektor', 'kommunestyre', 'kontrollutvalg'])
    const audit = await t.deps.services.audit.list(admin, { entityType: 'municipality', entityId: String(row.id), limit: 10, offset: 0 })
    expect(audit.items.map(e => `${e.action}:${e.actor}`)).toEqual(['create:admin:test-admin'])
  })

  it('a bad organisasjonsnummer names the field and writes nothing', async () => {
    const before = await snapshot()
    expect(await failure(t.deps.services.municipalities.create(admin, { slug: 'x', name: 'X', kind: 'kommune', organisasjonsnummer: '974544572' })))
      .toMatchObject({ kind: 'invalid', code: 'municipality.invalid_organisasjonsnummer', field: 'organisasjonsnummer' })
    expect(await failure(t.deps.services.municipalities.update(admin, 'oyer', { organisasjonsnummer: '123456789' }))).toMatchObject({ field: 'organisasjonsnummer' })
    expect(await snapshot()).toBe(before)
  })

  it('deleting a municipality that takes part in collaborations is a conflict', async () => {
    const before = await snapshot()
    expect(await failure(t.deps.services.municipalities.remove(admin, 'oyer'))).toMatchObject({ kind: 'conflict', code: 'municipality.in_use' })
    expect(await snapshot()).toBe(before)
  })
})

describe('tokens', () => {
  it('issues a token once, authenticates it as an actor, and refuses it after revocation', async () => {
    const s = t.deps.services.tokens
    const { id, token } = await s.create({ label: 'Øyers sekretær', role: 'editor', municipality: 'oyer' })
    expect(await s.authenticate(token)).toMatchObject({ tokenId: id, role: 'editor', label: 'Øyers sekretær', municipalityIds: editorOyer.municipalityIds })
    expect(await s.authenticate(`${token}x`)).toBeNull()
    expect(await s.revoke(id)).toBe(true)
    expect(await s.revoke(id)).toBe(false)
    expect(await s.authenticate(token)).toBeNull()
  })

  it('an editor token needs a known municipality; an admin token has none', async () => {
    const s = t.deps.services.tokens
    expect(await failure(s.create({ label: 'x', role: 'editor' }))).toMatchObject({ code: 'token.municipality_required', field: 'municipality' })
    expect(await failure(s.create({ label: 'x', role: 'editor', municipality: 'atlantis' }))).toMatchObject({ code: 'token.unknown_municipality' })
    expect(await failure(s.create({ label: 'x', role: 'admin', municipality: 'oyer' }))).toMatchObject({ code: 'token.admin_municipality' })
  })
})

describe('audit', () => {
  it('is for admins only', async () => {
    expect((await failure(t.deps.services.audit.list(editorOyer, { limit: 1, offset: 0 }))).kind).toBe('forbidden')
    expect((await failure(t.deps.services.audit.list(null, { limit: 1, offset: 0 }))).kind).toBe('unauthorized')
  })
})

describe('register import', () => {
  it('is for admins only: an editor is refused before anything is written', async () => {
    const before = await snapshot()
    expect((await failure(t.deps.services.register.import(editorOyer, 'ikke et register', { dryRun: false }))).kind).toBe('forbidden')
    expect(await snapshot()).toBe(before)
  })
})
