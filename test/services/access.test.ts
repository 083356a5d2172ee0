// src/services/access.ts: the one access and visibility policy, as a table of actor × subject × action.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestDependencies } from '../helpers/app.js'
import { viewerOf, type Actor, type Viewer, type WriteTargets } from '../../src/services/access.js'
import { ServiceError } from '../../src/shared/errors.js'

let built: Awaited<ReturnType<typeof buildTestDependencies>>
const ids = { municipality: new Map<string, number>(), collaboration: new Map<string, number>(), body: new Map<string, number>() }
const id = (kind: keyof typeof ids, slug: string) => {
  const found = ids[kind].get(slug)
  if (found === undefined) throw new Error(`no ${kind} ${slug} in the seed`)
  return found
}

beforeAll(async () => {
  built = await buildTestDependencies()
  const { sql } = built
  for (const [kind, table] of [['municipality', 'municipality'], ['collaboration', 'collaboration'], ['body', 'body']] as const) {
    for (const row of await sql.all<{ id: number; slug: string }>(`select id, slug from ${table}`)) ids[kind].set(row.slug, row.id)
  }
  // Two private bodies: Øyer's kontrollutvalg, and the board of a company only Øyer owns.
  await sql.run("update body set feed_visibility = 'private' where slug in ('oyer-kontrollutvalg', 'gudbrandsdal-energi-ge-styre')")
})
afterAll(() => built.dispose())

type ActorName = 'admin' | 'Øyer editor' | 'Gausdal editor' | 'anonymous' | 'Øyer and Gausdal editor' | 'Øyer sekretariat' | 'Gausdal sekretariat'
  | 'sekretariat of all three' | 'Øyer editor and Øyer sekretariat' | 'signed in, no role'
/** Tokens (tokenId) and signed-in people (userId, issue 14): a person's roles become municipalityIds and kontrollutvalgIds. */
function actor (name: ActorName): Actor | null {
  const person = (userId: number, municipalities: string[], kontrollutvalg: string[]): Actor => ({
    tokenId: null,
    userId,
    label: name,
    role: 'editor',
    via: 'session',
    municipalityIds: municipalities.map(m => id('municipality', m)),
    kontrollutvalgIds: kontrollutvalg.map(b => id('body', b)),
  })
  switch (name) {
    case 'admin': return { tokenId: 1, label: 'admin', role: 'admin', municipalityIds: [] }
    case 'Øyer editor': return { tokenId: 2, label: 'oyer', role: 'editor', municipalityIds: [id('municipality', 'oyer')] }
    case 'Gausdal editor': return { tokenId: 3, label: 'gausdal', role: 'editor', municipalityIds: [id('municipality', 'gausdal')] }
    case 'anonymous': return null
    case 'Øyer and Gausdal editor': return person(1, ['oyer', 'gausdal'], [])
    case 'Øyer sekretariat': return person(2, [], ['oyer-kontrollutvalg'])
    case 'Gausdal sekretariat': return person(3, [], ['gausdal-kontrollutvalg'])
    case 'sekretariat of all three': return person(4, [], ['oyer-kontrollutvalg', 'gausdal-kontrollutvalg', 'lillehammer-kontrollutvalg'])
    case 'Øyer editor and Øyer sekretariat': return person(5, ['oyer'], ['oyer-kontrollutvalg'])
    case 'signed in, no role': return person(6, [], [])
  }
}

// Subjects a write may name. Gudbrandsdal Energi is owned by Øyer alone; Borgerlig vigsel is Lillehammer's
// vertskommune collaboration with Gausdal; the regional council has all three.
const SUBJECTS: Record<string, () => WriteTargets> = {
  'Øyer municipality': () => ({ municipalityIds: [id('municipality', 'oyer')] }),
  'Gausdal municipality': () => ({ municipalityIds: [id('municipality', 'gausdal')] }),
  'collaboration Øyer takes part in': () => ({ collaborationIds: [id('collaboration', 'gudbrandsdal-energi-ge')] }),
  'collaboration of all three': () => ({ collaborationIds: [id('collaboration', 'regionrad')] }),
  'collaboration without Øyer': () => ({ collaborationIds: [id('collaboration', 'borgerlig-vigsel')] }),
  'Øyer body': () => ({ bodyIds: [id('body', 'oyer-formannskap')] }),
  'Gausdal body': () => ({ bodyIds: [id('body', 'gausdal-kontrollutvalg')] }),
  'body of a collaboration Øyer takes part in': () => ({ bodyIds: [id('body', 'gudbrandsdal-energi-ge-styre')] }),
  'Øyer rule naming a Gausdal body': () => ({ municipalityIds: [id('municipality', 'oyer')], bodyIds: [id('body', 'oyer-formannskap'), id('body', 'gausdal-formannskap')] }),
  'Øyer collaboration naming a Gausdal body': () => ({ collaborationIds: [id('collaboration', 'gudbrandsdal-energi-ge')], bodyIds: [id('body', 'gausdal-kontrollutvalg')] }),
  'Øyer kontrollutvalg': () => ({ bodyIds: [id('body', 'oyer-kontrollutvalg')] }),
  'nothing named': () => ({}),
  'absent ids': () => ({ municipalityIds: [null, undefined], bodyIds: [null] }),
}

type Outcome = 'allowed' | 401 | 403
const CHANGE: Array<[ActorName, string, Outcome]> = [
  ['admin', 'Øyer municipality', 'allowed'],
  ['admin', 'Gausdal body', 'allowed'],
  ['admin', 'collaboration without Øyer', 'allowed'],
  ['admin', 'Øyer rule naming a Gausdal body', 'allowed'],
  ['Øyer editor', 'Øyer municipality', 'allowed'],
  ['Øyer editor', 'Gausdal municipality', 403],
  ['Øyer editor', 'collaboration Øyer takes part in', 'allowed'],
  ['Øyer editor', 'collaboration of all three', 'allowed'],
  ['Øyer editor', 'collaboration without Øyer', 403],
  ['Øyer editor', 'Øyer body', 'allowed'],
  ['Øyer editor', 'Gausdal body', 403],
  ['Øyer editor', 'body of a collaboration Øyer takes part in', 'allowed'],
  ['Øyer editor', 'Øyer rule naming a Gausdal body', 403],
  ['Øyer editor', 'Øyer collaboration naming a Gausdal body', 403],
  ['Øyer editor', 'nothing named', 'allowed'],
  ['Øyer editor', 'absent ids', 'allowed'],
  ['Gausdal editor', 'Gausdal municipality', 'allowed'],
  ['Gausdal editor', 'Gausdal body', 'allowed'],
  ['Gausdal editor', 'Øyer municipality', 403],
  ['Gausdal editor', 'Øyer body', 403],
  ['Gausdal editor', 'collaboration Øyer takes part in', 403],
  ['Gausdal editor', 'collaboration of all three', 'allowed'],
  ['Gausdal editor', 'collaboration without Øyer', 'allowed'],
  ['Gausdal editor', 'body of a collaboration Øyer takes part in', 403],
  ['Gausdal editor', 'Øyer rule naming a Gausdal body', 403],
  ['anonymous', 'Øyer municipality', 401],
  ['anonymous', 'nothing named', 401],
  ['anonymous', 'Gausdal body', 401],
  // Issue 14: an editor of two municipalities (two roles) changes both, and what they share.
  ['Øyer and Gausdal editor', 'Øyer municipality', 'allowed'],
  ['Øyer and Gausdal editor', 'Gausdal municipality', 'allowed'],
  ['Øyer and Gausdal editor', 'Øyer rule naming a Gausdal body', 'allowed'],
  ['Øyer and Gausdal editor', 'collaboration without Øyer', 'allowed'],
  ['Øyer and Gausdal editor', 'Øyer collaboration naming a Gausdal body', 'allowed'],
  // The sekretariat changes no municipality's items, not even its own kontrollutvalg's meetings and rules.
  ['Øyer sekretariat', 'Øyer kontrollutvalg', 403],
  ['Øyer sekretariat', 'Øyer municipality', 403],
  ['Øyer sekretariat', 'Øyer body', 403],
  ['Øyer sekretariat', 'nothing named', 403],
  ['Øyer editor and Øyer sekretariat', 'Øyer kontrollutvalg', 'allowed'],
  ['Øyer editor and Øyer sekretariat', 'Gausdal body', 403],
  // A signed-in person without an editor role changes nothing (own reminders are checked elsewhere).
  ...Object.keys(SUBJECTS).map((subject): [ActorName, string, Outcome] => ['signed in, no role', subject, 403]),
]

describe('assertMayChange: a write is allowed only if the actor may change every subject and body it names', () => {
  it.each(CHANGE)('%s changing %s: %s', async (who, subject, outcome) => {
    const access = built.deps.services.access
    const targets = SUBJECTS[subject]!()
    const attempt = access.assertMayChange(actor(who), targets)
    if (outcome === 'allowed') {
      await expect(attempt).resolves.toEqual(actor(who))
    } else {
      const err = await attempt.then(() => undefined, (e: unknown) => e)
      expect(err).toBeInstanceOf(ServiceError)
      expect(err).toMatchObject(outcome === 401 ? { kind: 'unauthorized' } : { kind: 'forbidden', code: 'auth.forbidden' })
    }
    expect(await access.mayChange(actor(who), targets)).toBe(outcome === 'allowed')
  })
})

// Bodies whose items a viewer may see. Private: Øyer's kontrollutvalg, Gudbrandsdal Energi's board.
type SeeCase = [ActorName | 'feed secret of Øyer kontrollutvalg', string, boolean]
const SEE: SeeCase[] = [
  ['admin', 'oyer-kontrollutvalg', true],
  ['admin', 'gudbrandsdal-energi-ge-styre', true],
  ['Øyer editor', 'oyer-kontrollutvalg', true],
  ['Øyer editor', 'gudbrandsdal-energi-ge-styre', true],
  ['Øyer editor', 'gausdal-kontrollutvalg', true],
  ['Gausdal editor', 'oyer-kontrollutvalg', false],
  ['Gausdal editor', 'gudbrandsdal-energi-ge-styre', false],
  ['Gausdal editor', 'oyer-formannskap', true],
  ['Gausdal editor', 'gausdal-kontrollutvalg', true],
  ['anonymous', 'oyer-kontrollutvalg', false],
  ['anonymous', 'gudbrandsdal-energi-ge-styre', false],
  ['anonymous', 'oyer-formannskap', true],
  ['anonymous', 'gausdal-kontrollutvalg', true],
  ['Øyer sekretariat', 'oyer-kontrollutvalg', true],
  ['Øyer sekretariat', 'gudbrandsdal-energi-ge-styre', false],
  ['Øyer sekretariat', 'oyer-formannskap', true],
  ['Gausdal sekretariat', 'oyer-kontrollutvalg', false],
  ['sekretariat of all three', 'oyer-kontrollutvalg', true],
  ['signed in, no role', 'oyer-kontrollutvalg', false],
  ['signed in, no role', 'gudbrandsdal-energi-ge-styre', false],
  ['Øyer and Gausdal editor', 'oyer-kontrollutvalg', true],
  ['Øyer and Gausdal editor', 'gudbrandsdal-energi-ge-styre', true],
  ['feed secret of Øyer kontrollutvalg', 'oyer-kontrollutvalg', true],
  ['feed secret of Øyer kontrollutvalg', 'gudbrandsdal-energi-ge-styre', false],
]

function viewer (who: SeeCase[0]): Viewer {
  if (who === 'feed secret of Øyer kontrollutvalg') return { all: false, municipalityIds: new Set(), bodyIds: new Set([id('body', 'oyer-kontrollutvalg')]) }
  return viewerOf(actor(who))
}

describe('visibility: a private body\'s items are seen by admins, editors of its municipality (or of its collaboration\'s participants) and its feed secret', () => {
  it.each(SEE)('%s sees the items of %s: %s', async (who, body, visible) => {
    const v = await built.deps.services.access.visibility(viewer(who))
    const b = id('body', body)
    expect(v.canSeeBody(b)).toBe(visible)
    expect(v.hiddenBodyIds.has(b)).toBe(!visible)
    // An item is hidden when any body it names is hidden: responsible, treating, or the meeting's body.
    expect(v.canSee({ responsibleBodyId: b })).toBe(visible)
    expect(v.canSee({ responsibleBodyId: id('body', 'oyer-kommunestyre'), treatedByBodyId: b })).toBe(visible)
    expect(v.canSee({ bodyIds: [id('body', 'oyer-kommunestyre'), b] })).toBe(visible)
  })

  it('items that name no body, or only public bodies, are seen by everyone', async () => {
    for (const who of ['admin', 'Øyer editor', 'Gausdal editor', 'anonymous'] as const) {
      const v = await built.deps.services.access.visibility(viewer(who))
      expect(v.canSee({})).toBe(true)
      expect(v.canSee({ responsibleBodyId: null, treatedByBodyId: null, bodyIds: [null] })).toBe(true)
      expect(v.canSeeBody(undefined)).toBe(true)
    }
  })

  it('an anonymous viewer has exactly the private bodies hidden', async () => {
    const v = await built.deps.services.access.visibility(viewer('anonymous'))
    expect([...v.hiddenBodyIds].sort()).toEqual([id('body', 'oyer-kontrollutvalg'), id('body', 'gudbrandsdal-energi-ge-styre')].sort())
  })
})

// Kontroll writes (issue 14): plans and projects are steered by admins and the sekretariat of every
// kontrollutvalg the plan names; editors of the municipalities read them only.
type KuSet = 'Øyer' | 'Gausdal' | 'joint: Øyer, Gausdal, Lillehammer' | 'none'
const KU_SETS: Record<KuSet, () => number[]> = {
  Øyer: () => [id('body', 'oyer-kontrollutvalg')],
  Gausdal: () => [id('body', 'gausdal-kontrollutvalg')],
  'joint: Øyer, Gausdal, Lillehammer': () => ['oyer-kontrollutvalg', 'gausdal-kontrollutvalg', 'lillehammer-kontrollutvalg'].map(b => id('body', b)),
  none: () => [],
}
const STEER: Array<[ActorName, KuSet, Outcome]> = [
  ['admin', 'Øyer', 'allowed'],
  ['admin', 'joint: Øyer, Gausdal, Lillehammer', 'allowed'],
  ['admin', 'none', 'allowed'],
  ['Øyer sekretariat', 'Øyer', 'allowed'],
  ['Øyer sekretariat', 'Gausdal', 403],
  ['Øyer sekretariat', 'joint: Øyer, Gausdal, Lillehammer', 403],
  ['Øyer sekretariat', 'none', 403],
  ['sekretariat of all three', 'joint: Øyer, Gausdal, Lillehammer', 'allowed'],
  ['sekretariat of all three', 'Gausdal', 'allowed'],
  ['Gausdal sekretariat', 'Øyer', 403],
  ['Øyer editor', 'Øyer', 403],
  ['Øyer and Gausdal editor', 'Gausdal', 403],
  ['Øyer editor and Øyer sekretariat', 'Øyer', 'allowed'],
  ['signed in, no role', 'Øyer', 403],
  ['anonymous', 'Øyer', 401],
]

describe('assertMaySteerKontroll: admins and the sekretariat of every kontrollutvalg named', () => {
  it.each(STEER)('%s steering the plan of %s: %s', (who, set, outcome) => {
    const access = built.deps.services.access
    const ids = KU_SETS[set]()
    if (outcome === 'allowed') {
      expect(access.assertMaySteerKontroll(actor(who), ids)).toEqual(actor(who))
    } else {
      let err: unknown
      try { access.assertMaySteerKontroll(actor(who), ids) } catch (e) { err = e }
      expect(err).toBeInstanceOf(ServiceError)
      expect(err).toMatchObject(outcome === 401
        ? { kind: 'unauthorized' }
        : { kind: 'forbidden', code: 'auth.forbidden', message: 'Bare sekretariatet for kontrollutvalget og administratorer kan endre kontrollplaner' })
    }
    expect(access.maySteerKontroll(actor(who), ids)).toBe(outcome === 'allowed')
  })
})

// Risk assessments name their subject: the sekretariat of a kontrollutvalg whose municipality answers for it.
const ASSESS: Array<[ActorName, string, Outcome]> = [
  ['admin', 'Gausdal municipality', 'allowed'],
  ['Øyer sekretariat', 'Øyer municipality', 'allowed'],
  ['Øyer sekretariat', 'Gausdal municipality', 403],
  ['Øyer sekretariat', 'collaboration Øyer takes part in', 'allowed'],
  ['Øyer sekretariat', 'collaboration of all three', 'allowed'],
  ['Øyer sekretariat', 'collaboration without Øyer', 403],
  ['Øyer sekretariat', 'nothing named', 403],
  ['Gausdal sekretariat', 'collaboration without Øyer', 'allowed'],
  ['Gausdal sekretariat', 'collaboration Øyer takes part in', 403],
  ['Øyer editor', 'Øyer municipality', 403],
  ['Øyer and Gausdal editor', 'collaboration of all three', 403],
  ['signed in, no role', 'Øyer municipality', 403],
  ['anonymous', 'Øyer municipality', 401],
]

describe('assertMayAssess: admins and the sekretariat of a kontrollutvalg answering for the subject', () => {
  it.each(ASSESS)('%s assessing %s: %s', async (who, subject, outcome) => {
    const attempt = built.deps.services.access.assertMayAssess(actor(who), SUBJECTS[subject]!())
    if (outcome === 'allowed') {
      await expect(attempt).resolves.toEqual(actor(who))
    } else {
      const err = await attempt.then(() => undefined, (e: unknown) => e)
      expect(err).toBeInstanceOf(ServiceError)
      expect(err).toMatchObject(outcome === 401 ? { kind: 'unauthorized' } : { kind: 'forbidden', code: 'auth.forbidden' })
    }
  })
})
