import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { refusal as failure, serviceFixture, type ServiceFixture } from '../helpers/services.js'
import type { Actor } from '../../src/services/access.js'

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

describe('bodies: who may change what', () => {
  it('an Øyer editor creates bodies for Øyer and for collaborations Øyer takes part in', async () => {
    const s = t.deps.services.bodies
    expect((await s.create(editorOyer, { slug: 'oyer-eldrerad', name: 'Eldrerådet i Øyer', kind: 'annet', municipality: 'oyer' })).owner).toMatchObject({ type: 'municipality', slug: 'oyer' })
    expect((await s.create(editorOyer, { slug: 'glor-arbeidsutvalg', name: 'Arbeidsutvalget', kind: 'annet', collaboration: 'felles-renovasjonsselskap-glor' })).owner)
      .toMatchObject({ type: 'collaboration', slug: 'felles-renovasjonsselskap-glor' })
  })

  it('an Øyer editor naming Gausdal, or a collaboration without Øyer, as owner gets 403 and nothing changes', async () => {
    const s = t.deps.services.bodies
    const before = await snapshot()
    expect((await failure(s.create(editorOyer, { slug: 'gausdal-x', name: 'X', kind: 'annet', municipality: 'gausdal' }))).kind).toBe('forbidden')
    expect((await failure(s.create(editorOyer, { slug: 'vigsel-x', name: 'X', kind: 'annet', collaboration: 'borgerlig-vigsel' }))).kind).toBe('forbidden')
    expect((await failure(s.update(editorOyer, 'gausdal-formannskap', { feedVisibility: 'private' }))).kind).toBe('forbidden')
    expect((await failure(s.rotateFeedSecret(editorOyer, 'gausdal-formannskap'))).kind).toBe('forbidden')
    expect((await failure(s.remove(editorOyer, 'gausdal-formannskap'))).kind).toBe('forbidden')
    expect(await snapshot()).toBe(before)
  })

  it('an owner must be exactly one known municipality or collaboration, named by field', async () => {
    const s = t.deps.services.bodies
    expect(await failure(s.create(admin, { slug: 'x', name: 'X', kind: 'annet' }))).toMatchObject({ kind: 'invalid', code: 'body.owner', field: 'municipality' })
    expect(await failure(s.create(admin, { slug: 'x', name: 'X', kind: 'annet', municipality: 'oyer', collaboration: 'regionrad' }))).toMatchObject({ code: 'body.owner' })
    expect(await failure(s.create(admin, { slug: 'x', name: 'X', kind: 'annet', collaboration: 'finnes-ikke' }))).toMatchObject({ code: 'body.unknown_collaboration', field: 'collaboration' })
  })

  it('a body that rules still name cannot be deleted', async () => {
    const before = await snapshot()
    expect(await failure(t.deps.services.bodies.remove(admin, 'oyer-kommunestyre'))).toMatchObject({ kind: 'conflict', code: 'body.in_use' })
    expect(await snapshot()).toBe(before)
  })
})

describe('bodies: private feeds', () => {
  it('a rotated secret opens the feed; the previous one stops working; only the hash is stored', async () => {
    const s = t.deps.services.bodies
    await s.update(editorOyer, 'oyer-formannskap', { feedVisibility: 'private' })
    const first = await s.rotateFeedSecret(editorOyer, 'oyer-formannskap')
    const second = await s.rotateFeedSecret(editorOyer, 'oyer-formannskap')
    const row = (await s.find('oyer-formannskap'))!
    expect(s.feedSecretMatches(row, second.secret)).toBe(true)
    expect(s.feedSecretMatches(row, first.secret)).toBe(false)
    expect(s.feedSecretMatches(row, undefined)).toBe(false)
    expect(JSON.stringify(row)).not.toContain(second.secret)
  })

  it('a private body is still listed (it exists publicly), with its visibility', async () => {
    await t.deps.services.bodies.update(admin, 'oyer-formannskap', { feedVisibility: 'private' })
    const listed = (await t.deps.services.bodies.list({ municipality: 'oyer', limit: 100, offset: 0 })).items
    expect(listed.find(b => b.slug === 'oyer-formannskap')).toMatchObject({ feedVisibility: 'private' })
  })
})
