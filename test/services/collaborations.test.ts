import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { refusal as failure, serviceFixture, type ServiceFixture } from '../helpers/services.js'
import type { Actor } from '../../src/services/access.js'
import { databaseErrorKind } from '../../src/db/errors.js'

let t: ServiceFixture
let admin: Actor
let editorOyer: Actor
beforeEach(async () => {
  t = await serviceFixture()
  admin = t.admin
  editorOyer = await t.editorOf('oyer')
})
afterEach(async () => { await t.close() })

const snapshot = () => t.snapshot()

const roles = async (slug: string) => (await t.deps.services.collaborations.get(slug)).participants.map(p => `${p.slug}:${p.role}:${p.ownershipShare}`).sort()

describe('collaborations: who may change what (editor of Øyer)', () => {
  it('may edit the fields of a collaboration Øyer takes part in, and change Øyer’s own share', async () => {
    const s = t.deps.services.collaborations
    const { view, changed } = await s.update(editorOyer, 'gudbrandsdalsmusea-as', { comment: 'Endret av Øyer', participants: [{ municipality: 'oyer', role: 'eier', ownershipShare: 100 }] })
    expect(changed).toBe(true)
    expect(view.comment).toBe('Endret av Øyer')
    expect(await roles('gudbrandsdalsmusea-as')).toEqual(['oyer:eier:100'])
  })

  it('may not change a collaboration Øyer takes no part in: 403 and nothing written', async () => {
    const before = await snapshot()
    const err = await failure(t.deps.services.collaborations.update(editorOyer, 'borgerlig-vigsel', { comment: 'nei' }))
    expect(err).toMatchObject({ kind: 'forbidden', code: 'auth.forbidden' })
    expect(await snapshot()).toBe(before)
  })

  it('may not add Gausdal as a participant, even to a collaboration Øyer owns', async () => {
    const before = await snapshot()
    const err = await failure(t.deps.services.collaborations.update(editorOyer, 'gudbrandsdalsmusea-as', {
      participants: [{ municipality: 'oyer', role: 'eier' }, { municipality: 'gausdal', role: 'eier' }],
    }))
    expect(err.kind).toBe('forbidden')
    expect(await snapshot()).toBe(before)
    expect(await roles('gudbrandsdalsmusea-as')).toEqual(['oyer:eier:null'])
  })

  it('may not remove Gausdal, or change Gausdal’s role, in a collaboration both take part in', async () => {
    const before = await snapshot()
    const current = await t.deps.services.collaborations.get('felles-renovasjonsselskap-glor')
    const keep = (slug: string) => current.participants.filter(p => p.slug !== slug).map(p => ({ municipality: p.slug, role: p.role }))
    expect((await failure(t.deps.services.collaborations.update(editorOyer, 'felles-renovasjonsselskap-glor', { participants: keep('gausdal') }))).kind).toBe('forbidden')
    const demoted = current.participants.map(p => ({ municipality: p.slug, role: p.slug === 'gausdal' ? 'deltaker' as const : p.role }))
    expect((await failure(t.deps.services.collaborations.update(editorOyer, 'felles-renovasjonsselskap-glor', { participants: demoted }))).kind).toBe('forbidden')
    expect(await snapshot()).toBe(before)
  })

  it('may not make another municipality the host, nor put the collaboration under an umbrella Øyer is not in', async () => {
    await t.deps.services.collaborations.create(admin, { slug: 'gausdal-paraply', name: 'Gausdals paraply', legalForm: 'avtale', participants: [{ municipality: 'gausdal' }] })
    const before = await snapshot()
    expect((await failure(t.deps.services.collaborations.update(editorOyer, 'gudbrandsdalsmusea-as', { hostMunicipality: 'gausdal' }))).kind).toBe('forbidden')
    expect((await failure(t.deps.services.collaborations.update(editorOyer, 'gudbrandsdalsmusea-as', { parent: 'gausdal-paraply' }))).kind).toBe('forbidden')
    expect(await snapshot()).toBe(before)
  })

  it('may not give a collaboration away by removing Øyer itself', async () => {
    const before = await snapshot()
    const err = await failure(t.deps.services.collaborations.update(editorOyer, 'gudbrandsdalsmusea-as', { participants: [] }))
    expect(err.kind).toBe('forbidden')
    expect(await snapshot()).toBe(before)
  })

  it('creates a collaboration of Øyer alone, but not one naming Gausdal or no one', async () => {
    const s = t.deps.services.collaborations
    const own = await s.create(editorOyer, { slug: 'oyer-alene', name: 'Øyer alene', legalForm: 'as', participants: [{ municipality: 'oyer', role: 'eier' }] })
    expect(own.bodies.map(b => b.kind)).toEqual(['generalforsamling', 'styre'])
    const before = await snapshot()
    expect((await failure(s.create(editorOyer, { slug: 'oyer-og-gausdal', name: 'Øyer og Gausdal', legalForm: 'avtale', participants: [{ municipality: 'oyer' }, { municipality: 'gausdal' }] }))).kind).toBe('forbidden')
    expect((await failure(s.create(editorOyer, { slug: 'ingen', name: 'Ingen', legalForm: 'avtale' }))).kind).toBe('forbidden')
    expect(await snapshot()).toBe(before)
  })

  it('an admin may do all of it', async () => {
    const s = t.deps.services.collaborations
    await s.update(admin, 'gudbrandsdalsmusea-as', { participants: [{ municipality: 'oyer', role: 'eier' }, { municipality: 'gausdal', role: 'eier' }] })
    expect(await roles('gudbrandsdalsmusea-as')).toEqual(['gausdal:eier:null', 'oyer:eier:null'])
    await s.create(admin, { slug: 'felles', name: 'Felles', legalForm: 'avtale', participants: [{ municipality: 'oyer' }, { municipality: 'gausdal' }] })
  })

  it('no actor is a 401 before any lookup', async () => {
    expect((await failure(t.deps.services.collaborations.update(null, 'finnes-ikke', { comment: 'x' }))).kind).toBe('unauthorized')
    expect((await failure(t.deps.services.collaborations.create(undefined, { slug: 'x', name: 'X', legalForm: 'avtale' }))).kind).toBe('unauthorized')
  })
})

describe('collaborations: rules of the data', () => {
  it('an unknown or repeated participant names the field', async () => {
    const s = t.deps.services.collaborations
    expect(await failure(s.create(admin, { slug: 'x', name: 'X', legalForm: 'avtale', participants: [{ municipality: 'oyer' }, { municipality: 'atlantis' }] })))
      .toMatchObject({ kind: 'invalid', code: 'collaboration.unknown_municipality', field: 'participants/1/municipality' })
    expect(await failure(s.create(admin, { slug: 'x', name: 'X', legalForm: 'avtale', participants: [{ municipality: 'oyer' }, { municipality: 'oyer' }] })))
      .toMatchObject({ kind: 'invalid', code: 'collaboration.duplicate_participant', field: 'participants/1/municipality' })
    expect(await failure(s.update(admin, 'gudbrandsdalsmusea-as', { parent: 'gudbrandsdalsmusea-as' })))
      .toMatchObject({ code: 'collaboration.parent_cycle', field: 'parent' })
  })

  it('an update that changes nothing writes nothing (no audit row, same modified stamp)', async () => {
    const before = await snapshot()
    t.clock.advance(60_000)
    const current = await t.deps.services.collaborations.get('gudbrandsdalsmusea-as')
    const { changed } = await t.deps.services.collaborations.update(admin, 'gudbrandsdalsmusea-as', { comment: current.comment, participants: [{ municipality: 'oyer', role: 'eier' }] })
    expect(changed).toBe(false)
    expect(await snapshot()).toBe(before)
  })

  it('deleting an umbrella with parts is a conflict and writes nothing', async () => {
    const umbrella = (await t.deps.services.collaborations.get('legevaktsamarbeid')).parentSlug!
    const before = await snapshot()
    expect(await failure(t.deps.services.collaborations.remove(admin, umbrella))).toMatchObject({ kind: 'conflict', code: 'collaboration.has_parts' })
    expect(await snapshot()).toBe(before)
  })

  it('creates several at once as it creates one: participants, host, the organs each legal form requires, an audit row each, in the order given', async () => {
    const s = t.deps.services.collaborations
    const views = await s.createMany(admin, [
      { slug: 'felles-brann-iks', name: 'Felles brann IKS', legalForm: 'iks', participants: [{ municipality: 'oyer', role: 'eier', ownershipShare: 40 }, { municipality: 'gausdal', role: 'eier', ownershipShare: 60 }] },
      { slug: 'felles-barnevern', name: 'Felles barnevern', legalForm: 'vertskommune_administrativ', hostMunicipality: 'gausdal', participants: [{ municipality: 'oyer' }] },
    ])
    expect(views.map(v => v.slug)).toEqual(['felles-brann-iks', 'felles-barnevern'])
    // Each the same as reading it back, and as `create` makes it.
    for (const v of views) expect(v).toEqual(await s.get(v.slug))
    expect(await roles('felles-brann-iks')).toEqual(['gausdal:eier:60', 'oyer:eier:40'])
    expect(views[1]!.host?.slug).toBe('gausdal')
    const single = await s.create(admin, { slug: 'enkelt-iks', name: 'Enkelt IKS', legalForm: 'iks', participants: [{ municipality: 'oyer', role: 'eier' }] })
    expect(views[0]!.bodies.map(b => b.kind)).toEqual(single.bodies.map(b => b.kind))
    expect(views[0]!.bodies.length).toBeGreaterThan(0)
    const audited = await t.sql.all<{ entity_id: string }>("select entity_id from audit_log where entity_type = 'collaboration' and action = 'create' order by id")
    expect(audited.slice(-3).map(a => Number(a.entity_id))).toEqual([views[0]!.id, views[1]!.id, single.id])
  })

  it('creates several all or nothing: a bad participant in the second is a 400 naming its field, a slug taken a unique violation, another municipality a 403; nothing is written', async () => {
    const s = t.deps.services.collaborations
    const before = await snapshot()
    expect(await failure(s.createMany(admin, [
      { slug: 'a-iks', name: 'A IKS', legalForm: 'iks', participants: [{ municipality: 'oyer', role: 'eier' }] },
      { slug: 'b-iks', name: 'B IKS', legalForm: 'iks', participants: [{ municipality: 'atlantis' }] },
    ]))).toMatchObject({ kind: 'invalid', code: 'collaboration.unknown_municipality', field: 'participants/0/municipality' })
    // The unique slug: the API answers it 409 (see databaseErrorKind).
    const taken = await s.createMany(admin, [
      { slug: 'a-iks', name: 'A IKS', legalForm: 'iks', participants: [{ municipality: 'oyer', role: 'eier' }] },
      { slug: 'gudbrandsdalsmusea-as', name: 'Igjen', legalForm: 'as', participants: [{ municipality: 'oyer', role: 'eier' }] },
    ]).then(() => undefined, (err: unknown) => err)
    expect(databaseErrorKind(taken)).toBe('unique')
    expect(await failure(s.createMany(editorOyer, [
      { slug: 'a-iks', name: 'A IKS', legalForm: 'iks', participants: [{ municipality: 'oyer', role: 'eier' }] },
      { slug: 'c-iks', name: 'C IKS', legalForm: 'iks', participants: [{ municipality: 'gausdal', role: 'eier' }] },
    ]))).toMatchObject({ kind: 'forbidden' })
    expect(await snapshot()).toBe(before)
  })
})
