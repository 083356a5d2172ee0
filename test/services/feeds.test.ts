// The feeds service without HTTP: which calendar a feed address opens for whom, and what it holds.
import { addDays } from '../../src/domain/calendar-date.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestDependencies } from '../helpers/app.js'
import { anonymousViewer, systemViewer, viewerOf, type Actor } from '../../src/services/access.js'
import { ServiceError } from '../../src/shared/errors.js'

let t: Awaited<ReturnType<typeof buildTestDependencies>>
let admin: Actor
let editorOyer: Actor
let editorGausdal: Actor
const WINDOW = { from: '2027-01-01', to: '2027-12-31', asOf: '2027-01-15' }

beforeEach(async () => {
  t = await buildTestDependencies()
  const m = t.deps.services.municipalities
  admin = { tokenId: null, label: 'test-admin', role: 'admin', municipalityIds: [] }
  editorOyer = { tokenId: null, label: 'test-editor-oyer', role: 'editor', municipalityIds: [(await m.get('oyer')).id] }
  editorGausdal = { tokenId: null, label: 'test-editor-gausdal', role: 'editor', municipalityIds: [(await m.get('gausdal')).id] }
  await t.deps.services.bodies.update(admin, 'oyer-kontrollutvalg', { feedVisibility: 'private' })
})
afterEach(() => t.dispose())

const notFound = async (p: Promise<unknown>) => {
  const err = await p.then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(ServiceError)
  expect(err).toMatchObject({ kind: 'not_found', code: 'feed.not_found' })
}

describe('opening a feed', () => {
  it('opens a private body’s feed with its secret or for a viewer who may see it, and is otherwise the same 404 as an unknown feed', async () => {
    const { feeds, bodies } = t.deps.services
    await notFound(feeds.open('bodies', 'oyer-kontrollutvalg', undefined, anonymousViewer))
    await notFound(feeds.open('bodies', 'oyer-kontrollutvalg', 'feed_wrong', anonymousViewer))
    await notFound(feeds.open('bodies', 'oyer-kontrollutvalg', undefined, viewerOf(editorGausdal)))
    await notFound(feeds.open('bodies', 'finnes-ikke', undefined, systemViewer))
    const { secret } = await bodies.rotateFeedSecret(editorOyer, 'oyer-kontrollutvalg')
    const opened = await feeds.open('bodies', 'oyer-kontrollutvalg', secret, anonymousViewer)
    expect(opened.isPrivate).toBe(true)
    const ku = (await bodies.find('oyer-kontrollutvalg'))!.id
    expect(opened.viewer.bodyIds.has(ku)).toBe(true)
    expect(opened.hiddenBodyIds).not.toContain(ku)
    expect((await feeds.open('bodies', 'oyer-kontrollutvalg', undefined, viewerOf(editorOyer))).hiddenBodyIds).not.toContain(ku)
    expect((await feeds.open('municipalities', 'oyer', undefined, anonymousViewer)).hiddenBodyIds).toContain(ku)
    expect((await feeds.open('municipalities', 'oyer', undefined, viewerOf(admin))).hiddenBodyIds).toEqual([])
  })

  it('refuses unknown event types, naming the field', () => {
    expect(() => t.deps.services.feeds.checkEventTypes(['mote', 'eierbehandling'])).not.toThrow()
    expect(() => t.deps.services.feeds.checkEventTypes(['nope'])).toThrow(expect.objectContaining({ kind: 'invalid', code: 'feed.unknown_type', field: 'types' }))
  })
})

describe('what a feed holds', () => {
  it('leaves out the items a private body is responsible for or treats, unless the viewer may see them', async () => {
    const { feeds } = t.deps.services
    const ku = (await t.deps.services.bodies.find('oyer-kontrollutvalg'))!.id
    const names = (o: { responsibleBody: { id: number } | null; treatedBy: { id: number } | null }) => [o.responsibleBody?.id, o.treatedBy?.id]
    const anonymous = await feeds.content(await feeds.open('municipalities', 'oyer', undefined, anonymousViewer), WINDOW)
    const editor = await feeds.content(await feeds.open('municipalities', 'oyer', undefined, viewerOf(editorOyer)), WINDOW)
    expect(anonymous.occurrences.some(o => names(o).includes(ku))).toBe(false)
    expect(editor.occurrences.some(o => names(o).includes(ku))).toBe(true)
    expect(editor.occurrences.length).toBeGreaterThan(anonymous.occurrences.length)
    // One preparation deadline per owner meeting the viewer sees, the day before it, for Øyer's formannskap.
    const preparations = anonymous.occurrences.filter(o => o.eventType === 'eierbehandling')
    expect(preparations.length).toBeGreaterThan(0)
    for (const p of preparations) {
      const meeting = anonymous.occurrences.find(o => p.id.startsWith(`${o.id}-eier-`))!
      expect(meeting).toMatchObject({ eventType: 'mote', subject: { type: 'collaboration' } })
      expect(p).toMatchObject({ id: `${meeting.id}-eier-oyer`, date: addDays(meeting.date, -1), subject: { slug: 'oyer' }, treatedBy: { name: 'Formannskapet i Øyer' } })
    }
  })

  it('gives only the preparation deadlines when asked for that type alone', async () => {
    const { feeds } = t.deps.services
    const content = await feeds.content(await feeds.open('municipalities', 'oyer', undefined, anonymousViewer), { ...WINDOW, eventTypes: ['eierbehandling'] })
    expect(content.occurrences.length).toBeGreaterThan(0)
    expect(content.occurrences.every(o => o.eventType === 'eierbehandling' && o.subject.slug === 'oyer')).toBe(true)
  })
})
