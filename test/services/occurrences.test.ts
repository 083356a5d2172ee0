// src/services/occurrences.ts: the occurrence read model and changes to one occurrence, without HTTP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { refusal, serviceFixture, type ServiceFixture } from '../helpers/services.js'
import { anonymousViewer, systemViewer, viewerOf } from '../../src/services/access.js'
import { addDays } from '../../src/domain/calendar-date.js'

let t: ServiceFixture
beforeEach(async () => { t = await serviceFixture() })
afterEach(async () => { await t.close() })

const oyer2027 = () => t.services.occurrences.list({ municipality: 'oyer', from: '2027-01-01', to: '2027-12-31' }, systemViewer)
const deadline = async (eventType = 'arsregnskap_vedtak') => (await oyer2027()).find(o => o.eventType === eventType)!
const stateRows = async () => (await t.sql.get('select count(*) as n from occurrence_state')) as { n: number }

describe('occurrences.list', () => {
  it('takes slugs or ids, sorts by date and judges lateness as of a day', async () => {
    const bySlug = await oyer2027()
    const byId = await t.services.occurrences.list({ municipality: await t.idOf('municipality', 'oyer'), from: '2027-01-01', to: '2027-12-31' }, systemViewer)
    expect(byId.map(o => o.id)).toEqual(bySlug.map(o => o.id))
    expect(bySlug.map(o => o.date)).toEqual([...bySlug.map(o => o.date)].sort())
    const late = await t.services.occurrences.list({ municipality: 'oyer', from: '2027-06-30', to: '2027-06-30', asOf: '2027-07-10', eventTypes: ['arsregnskap_vedtak'] }, systemViewer)
    expect(late).toHaveLength(1)
    expect(late[0]).toMatchObject({ overdue: true, daysOverdue: 10, effectiveStatus: 'overdue', subject: { type: 'municipality', slug: 'oyer' } })
  })

  it('refuses an unknown calendar, a window over ten years and unknown filters, naming the field', async () => {
    expect(await refusal(t.services.occurrences.list({ municipality: 'atlantis', from: '2027-01-01', to: '2027-12-31' }, systemViewer)))
      .toMatchObject({ kind: 'not_found', field: 'municipality' })
    expect(await refusal(t.services.occurrences.list({ from: '2027-01-01', to: '2037-01-01' }, systemViewer))).toMatchObject({ kind: 'invalid', code: 'occurrences.window_too_large', field: 'to' })
    // The accepting side of the limit: ten years to the day, with meetings treating deadlines near both ends.
    const decade = await t.services.occurrences.list({ municipality: 'oyer', from: '2027-01-01', to: '2036-12-31' }, systemViewer)
    expect(decade.filter(o => o.eventType === 'eierskapsmelding').map(o => o.date)).toEqual(['2027-10-30', '2031-10-30', '2035-10-30'])
    expect(decade.at(-1)!.date).toBe('2036-12-31')
    expect(await refusal(t.services.occurrences.list({ from: '2027-02-01', to: '2027-01-01' }, systemViewer))).toMatchObject({ code: 'occurrences.window', field: 'to' })
    expect(await refusal(t.services.occurrences.list({ from: '2027-01-01', to: '2027-02-01', eventTypes: ['nope'] }, systemViewer))).toMatchObject({ field: 'eventType' })
    expect(await refusal(t.services.occurrences.list({ from: '2027-01-01', to: '2027-02-01', statuses: ['late' as never] }, systemViewer))).toMatchObject({ field: 'status' })
  })
})

describe('a private body’s occurrences', () => {
  beforeEach(() => t.makePrivate('oyer-kommunestyre'))
  const namesKommunestyre = (o: { responsibleBody: { slug: string } | null; treatedBy: { slug: string } | null }) =>
    o.responsibleBody?.slug === 'oyer-kommunestyre' || o.treatedBy?.slug === 'oyer-kommunestyre'

  it('are hidden from anonymous readers and another municipality’s editor, in lists and one by one', async () => {
    const all = await oyer2027()
    const hidden = all.filter(namesKommunestyre)
    expect(hidden.length).toBeGreaterThan(5)
    for (const viewer of [anonymousViewer, viewerOf(await t.editorOf('gausdal'))]) {
      const seen = await t.services.occurrences.list({ municipality: 'oyer', from: '2027-01-01', to: '2027-12-31' }, viewer)
      expect(seen.filter(namesKommunestyre)).toEqual([])
      expect(seen.length).toBe(all.length - hidden.length)
      expect(await t.services.occurrences.list({ body: 'oyer-kommunestyre', from: '2027-01-01', to: '2027-12-31' }, viewer)).toEqual([])
      expect(await refusal(t.services.occurrences.get(hidden[0]!.id, viewer))).toMatchObject({ kind: 'not_found', code: 'occurrence.not_found' })
    }
  })

  it('are visible to an admin and to the municipality’s own editor', async () => {
    const all = await oyer2027()
    const own = await t.services.occurrences.list({ municipality: 'oyer', from: '2027-01-01', to: '2027-12-31' }, viewerOf(await t.editorOf('oyer')))
    expect(own.map(o => o.id)).toEqual(all.map(o => o.id))
    const one = all.find(namesKommunestyre)!
    expect((await t.services.occurrences.get(one.id, viewerOf(await t.editorOf('oyer')))).id).toBe(one.id)
    expect((await t.services.occurrences.get(one.id, viewerOf(t.admin))).id).toBe(one.id)
  })
})

describe('occurrences.change', () => {
  it('records delivery with today’s date by default and bumps the revision on a status change only', async () => {
    const o = await deadline()
    const delivered = await t.services.occurrences.change(o.id, { status: 'delivered', caseNumber: '27/12' }, await t.editorOf('oyer'))
    expect(delivered).toMatchObject({ id: o.id, status: 'delivered', deliveredOn: '2027-01-15', caseNumber: '27/12', revision: 1 })
    const noted = await t.services.occurrences.change(o.id, { note: 'Sendt' }, await t.editorOf('oyer'))
    expect(noted).toMatchObject({ note: 'Sendt', revision: 1 })
    const approved = await t.services.occurrences.change(o.id, { status: 'approved' }, t.admin)
    expect(approved).toMatchObject({ approvedOn: '2027-01-15', revision: 2 })
    const audit = await t.sql.all("select action, actor from audit_log where entity_type = 'occurrence' and entity_id = ? order by id", o.id)
    expect(audit).toEqual([{ action: 'update', actor: 'editor:editor-oyer' }, { action: 'update', actor: 'editor:editor-oyer' }, { action: 'update', actor: 'admin:admin' }])
  })

  it('moves a meeting and keeps its identity', async () => {
    const meeting = (await oyer2027()).find(o => o.eventType === 'mote' && o.localStart?.endsWith('T18:00'))!
    const target = `${meeting.date.slice(0, 8)}${String(Number(meeting.date.slice(8)) + 1).padStart(2, '0')}T17:00`
    const moved = await t.services.occurrences.change(meeting.id, { movedTo: target }, await t.editorOf('oyer'))
    expect(moved).toMatchObject({ id: meeting.id, localStart: target, moved: true, revision: 1 })
  })

  it('refuses future dates, impossible moves, unknown ids and other municipalities’ editors, storing nothing', async () => {
    const o = await deadline()
    const meeting = (await oyer2027()).find(x => x.eventType === 'mote')!
    const before = await t.snapshot()
    const states = (await stateRows()).n
    expect(await refusal(t.services.occurrences.change(o.id, { status: 'delivered', deliveredOn: '2027-01-17' }, t.admin))).toMatchObject({ code: 'occurrences.future_delivery', field: 'deliveredOn' })
    expect(await refusal(t.services.occurrences.change(o.id, { approvedOn: '2027-02-01' }, t.admin))).toMatchObject({ code: 'occurrences.future_approval', field: 'approvedOn' })
    expect(await refusal(t.services.occurrences.change(meeting.id, { movedTo: '2027-03-01' }, t.admin))).toMatchObject({ code: 'occurrences.invalid_move', field: 'movedTo' })
    expect(await refusal(t.services.occurrences.change(o.id, { movedTo: '2029-01-01' }, t.admin))).toMatchObject({ code: 'occurrences.invalid_move' })
    expect(await refusal(t.services.occurrences.change(`${o.ruleId}-20270629`, { note: 'x' }, t.admin))).toMatchObject({ kind: 'not_found', field: 'id' })
    expect(await refusal(t.services.occurrences.change(o.id, { note: 'x' }, await t.editorOf('gausdal')))).toMatchObject({ kind: 'forbidden' })
    expect(await refusal(t.services.occurrences.change(o.id, { note: 'x' }, null))).toMatchObject({ kind: 'unauthorized' })
    expect((await stateRows()).n).toBe(states)
    expect(await t.snapshot()).toBe(before)
  })
})

describe('a participant’s own deadline in a collaboration', () => {
  it('may be changed by that participant’s editor, not by another participant’s', async () => {
    const all = await t.services.occurrences.list({ collaboration: 'felles-formannskapsmoter', from: '2027-01-01', to: '2028-12-31', eventTypes: ['formannskapskonferanse'] }, systemViewer)
    const gausdals = all.find(o => o.responsibleBody?.slug === 'gausdal-formannskap')!
    const before = await t.snapshot()
    expect(await refusal(t.services.occurrences.change(gausdals.id, { note: 'x' }, await t.editorOf('oyer')))).toMatchObject({ kind: 'forbidden' })
    expect(await t.snapshot()).toBe(before)
    expect(await t.services.occurrences.change(gausdals.id, { note: 'Gausdal svarer' }, await t.editorOf('gausdal'))).toMatchObject({ note: 'Gausdal svarer' })
  })
})

describe('occurrences.page', () => {
  it('pages a calendar and, under modifiedSince, lists changed items and tombstones of deleted rules', async () => {
    const all = await oyer2027()
    const q = { municipality: 'oyer', from: '2027-01-01', to: '2027-12-31' }
    const second = await t.services.occurrences.page({ ...q, limit: 10, offset: 10 }, systemViewer)
    expect(second.total).toBe(all.length)
    expect(second.items.map(o => o.id)).toEqual(all.slice(10, 20).map(o => o.id))

    t.clock.advance(60_000)
    const since = t.clock.now().getTime()
    const changed = all.find(o => o.eventType === 'eierskapsmelding')!
    await t.services.occurrences.change(changed.id, { note: 'Utkast' }, t.admin)
    const rule = all.find(o => o.eventType === 'arsberetning')!.ruleId
    await t.services.rules.remove(rule, t.admin)
    const page = await t.services.occurrences.page({ ...q, limit: 100, offset: 0, modifiedSince: since }, systemViewer)
    expect(page.items.filter(o => !('deleted' in o)).map(o => o.id)).toEqual([changed.id])
    expect(page.items.filter(o => 'deleted' in o)).toEqual(all.filter(o => o.ruleId === rule).map(o => ({ id: o.id, deleted: true, modified: since })))
    expect((await t.services.occurrences.page({ ...q, limit: 100, offset: 0, modifiedSince: since + 1 }, systemViewer)).items).toEqual([])
  })
})

describe('occurrences.countsByMunicipality', () => {
  it('gives every municipality the same counts as its overdue and upcoming reports, in one pass, without what the viewer may not see', async () => {
    await t.makePrivate('oyer-kontrollutvalg')
    for (const viewer of [anonymousViewer, systemViewer]) {
      const counts = await t.services.occurrences.countsByMunicipality(viewer, '2027-08-01', 30)
      for (const slug of ['oyer', 'gausdal', 'lillehammer']) {
        const id = await t.idOf('municipality', slug)
        const overdue = await t.services.reports.overdue(viewer, { municipality: id }, '2027-08-01')
        const upcoming = await t.services.reports.upcoming(viewer, { municipality: id }, '2027-08-01', 30)
        expect(counts.get(id), slug).toEqual({ overdue: overdue.length, upcoming: upcoming.length })
        expect(overdue.length + upcoming.length).toBeGreaterThan(0)
      }
    }
    const anonymous = await t.services.occurrences.countsByMunicipality(anonymousViewer, '2027-08-01', 30)
    const all = await t.services.occurrences.countsByMunicipality(systemViewer, '2027-08-01', 30)
    const oyer = await t.idOf('municipality', 'oyer')
    expect(all.get(oyer)!.overdue + all.get(oyer)!.upcoming).toBeGreaterThan(anonymous.get(oyer)!.overdue + anonymous.get(oyer)!.upcoming)
  })
})

describe('an owner’s preparation (eierbehandling)', () => {
  const preparation = async () => (await t.services.occurrences.list({ municipality: 'oyer', from: '2027-01-01', to: '2027-12-31', eventTypes: ['eierbehandling'] }, systemViewer))[0]!

  it('is the owner’s, the day before its meeting, and may be marked delivered by the owner’s editor, not by another municipality’s', async () => {
    const p = await preparation()
    expect(p).toMatchObject({ subject: { slug: 'oyer' }, responsibleBody: { slug: 'oyer-formannskap' }, kind: 'deadline', status: 'planned' })
    expect(p.id).toMatch(/^\d+-\d{8}(T\d{4})?-eier-oyer$/)
    const before = await t.snapshot()
    expect(await refusal(t.services.occurrences.change(p.id, { status: 'delivered' }, await t.editorOf('gausdal')))).toMatchObject({ kind: 'forbidden' })
    expect(await t.snapshot()).toBe(before)
    const done = await t.services.occurrences.change(p.id, { status: 'delivered', caseNumber: '27/123' }, await t.editorOf('oyer'))
    expect(done).toMatchObject({ id: p.id, status: 'delivered', caseNumber: '27/123', revision: p.revision + 1 })
    expect((await t.services.occurrences.get(p.id, systemViewer)).status).toBe('delivered')
  })

  it('follows its meeting: it cannot be moved on its own (400 naming movedTo, nothing stored); a moved meeting moves it', async () => {
    const p = await preparation()
    const before = await t.snapshot()
    expect(await refusal(t.services.occurrences.change(p.id, { movedTo: '2027-05-01' }, t.admin))).toMatchObject({ kind: 'invalid', code: 'occurrences.invalid_move', field: 'movedTo' })
    expect(await t.snapshot()).toBe(before)
    const meetingId = p.id.slice(0, p.id.indexOf('-eier-'))
    const meeting = await t.services.occurrences.get(meetingId, systemViewer)
    const target = `2027-${meeting.date.slice(5, 7)}-${meeting.date.slice(8, 10) === '10' ? '11' : '10'}T${meeting.originalKey.slice(11) || '10:00'}`
    await t.services.occurrences.change(meetingId, { movedTo: target }, t.admin)
    const moved = await t.services.occurrences.get(p.id, systemViewer)
    expect(moved.date).toBe(addDays(target.slice(0, 10), -1))
    expect(moved.revision).toBe(p.revision + 1)
  })
})
