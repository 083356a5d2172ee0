// src/services/rules.ts: who may create, change and see rules, and schedule handling, without HTTP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { refusal, serviceFixture, type ServiceFixture } from '../helpers/services.js'
import { anonymousViewer, systemViewer, viewerOf } from '../../src/services/access.js'

let t: ServiceFixture
beforeEach(async () => { t = await serviceFixture() })
afterEach(async () => { await t.close() })

const weekly = { eventType: 'mote', dtstart: 'DTSTART;TZID=Europe/Oslo:20270114T180000', rrule: 'FREQ=WEEKLY;COUNT=3' }
const page = { limit: 1000, offset: 0 }

describe('rules.create', () => {
  it('lets an editor create a rule naming the municipality’s own bodies', async () => {
    const created = await t.services.rules.create({ ...weekly, municipality: 'oyer', responsibleBody: 'oyer-formannskap', treatedByBody: 'oyer-kommunestyre' }, await t.editorOf('oyer'))
    expect(created).toMatchObject({ subject: { type: 'municipality', slug: 'oyer' }, responsibleBody: 'oyer-formannskap', treatedByBody: 'oyer-kommunestyre', rule: { origin: 'manual', scheduleType: 'rrule', allDay: false } })
    const audit = await t.sql.all("select actor from audit_log where entity_type = 'rule' and entity_id = ?", String(created.rule.id))
    expect(audit).toEqual([{ actor: 'editor:editor-oyer' }])
  })

  it('refuses (403) an editor naming another municipality’s body, as responsible or treating body, and stores nothing', async () => {
    const before = await t.snapshot()
    for (const input of [
      { ...weekly, municipality: 'oyer', responsibleBody: 'gausdal-formannskap' },
      { ...weekly, municipality: 'oyer', responsibleBody: 'oyer-formannskap', treatedByBody: 'gausdal-kommunestyre' },
      { ...weekly, municipality: 'gausdal', responsibleBody: 'oyer-formannskap' },
    ]) {
      expect(await refusal(t.services.rules.create(input, await t.editorOf('oyer'))), JSON.stringify(input)).toMatchObject({ kind: 'forbidden', code: 'auth.forbidden' })
    }
    expect(await t.snapshot()).toBe(before)
    // An admin may.
    expect((await t.services.rules.create({ ...weekly, municipality: 'oyer', responsibleBody: 'gausdal-formannskap' }, t.admin)).responsibleBody).toBe('gausdal-formannskap')
  })

  it('refuses bad input naming the field, and no actor with 401', async () => {
    const before = await t.snapshot()
    const cases: Array<[object, string, string]> = [
      [{ ...weekly, eventType: 'nope', municipality: 'oyer' }, 'rules.unknown_event_type', 'eventType'],
      [{ ...weekly }, 'rules.subject', 'municipality'],
      [{ ...weekly, municipality: 'oyer', collaboration: 'ikomm-as' }, 'rules.subject', 'municipality'],
      [{ ...weekly, municipality: 'atlantis' }, 'rules.unknown_municipality', 'municipality'],
      [{ ...weekly, municipality: 'oyer', treatedByBody: 'nobody' }, 'rules.unknown_body', 'treatedByBody'],
      [{ ...weekly, municipality: 'oyer', rrule: 'FREQ=SOMETIMES' }, 'rules.invalid_rrule', 'rrule'],
      [{ eventType: 'mote', municipality: 'oyer' }, 'rules.schedule', 'dtstart'],
      [{ ...weekly, municipality: 'oyer', anchor: 'constitution' }, 'rules.schedule', 'anchor'],
    ]
    for (const [input, code, field] of cases) {
      expect(await refusal(t.services.rules.create(input as never, t.admin)), code).toMatchObject({ kind: 'invalid', code, field })
    }
    expect(await refusal(t.services.rules.create({ ...weekly, municipality: 'oyer' }, null))).toMatchObject({ kind: 'unauthorized' })
    expect(await t.snapshot()).toBe(before)
  })
})

describe('rules.update and rules.remove', () => {
  it('refuse an editor moving a rule to another municipality’s body, or changing another municipality’s rule', async () => {
    const oyerRule = (await t.services.rules.list({ ...page, municipality: 'oyer', eventTypes: ['arsberetning'] }, systemViewer)).items[0]!.rule
    const gausdalRule = (await t.services.rules.list({ ...page, municipality: 'gausdal', eventTypes: ['arsberetning'] }, systemViewer)).items[0]!.rule
    const before = await t.snapshot()
    expect(await refusal(t.services.rules.update(oyerRule.id, { treatedByBody: 'gausdal-kommunestyre' }, await t.editorOf('oyer')))).toMatchObject({ kind: 'forbidden' })
    expect(await refusal(t.services.rules.update(gausdalRule.id, { note: 'x' }, await t.editorOf('oyer')))).toMatchObject({ kind: 'forbidden' })
    expect(await refusal(t.services.rules.remove(gausdalRule.id, await t.editorOf('oyer')))).toMatchObject({ kind: 'forbidden' })
    expect(await refusal(t.services.rules.update(999999, { note: 'x' }, t.admin))).toMatchObject({ kind: 'not_found', field: 'id' })
    expect(await t.snapshot()).toBe(before)
    const changed = await t.services.rules.update(oyerRule.id, { note: 'Egen frist' }, await t.editorOf('oyer'))
    expect(changed.rule).toMatchObject({ note: 'Egen frist', overridden: true })
  })

  it('lists a removed rule as a tombstone only under modifiedSince', async () => {
    const rule = (await t.services.rules.list({ ...page, municipality: 'oyer', eventTypes: ['arsberetning'] }, systemViewer)).items[0]!.rule
    t.clock.advance(60_000)
    const since = t.clock.now().getTime()
    await t.services.rules.remove(rule.id, await t.editorOf('oyer'))
    expect((await t.services.rules.list({ ...page, municipality: 'oyer' }, systemViewer)).items.map(v => v.rule.id)).not.toContain(rule.id)
    const changed = await t.services.rules.list({ ...page, municipality: 'oyer', modifiedSince: since }, systemViewer)
    expect(changed.items.map(v => [v.rule.id, v.rule.deleted])).toEqual([[rule.id, true]])
    expect(await refusal(t.services.rules.get(rule.id, systemViewer))).toMatchObject({ kind: 'not_found' })
  })
})

describe('a private body’s rules', () => {
  it('are hidden from anonymous readers and another municipality’s editor, visible to an admin and the own editor', async () => {
    await t.makePrivate('oyer-kontrollutvalg')
    const ku = await t.idOf('body', 'oyer-kontrollutvalg')
    const names = (v: { rule: { responsibleBodyId: number | null; treatedByBodyId: number | null } }) => v.rule.responsibleBodyId === ku || v.rule.treatedByBodyId === ku
    const all = (await t.services.rules.list({ ...page, municipality: 'oyer' }, systemViewer)).items
    const hidden = all.filter(names)
    expect(hidden.length).toBeGreaterThan(1)
    for (const viewer of [anonymousViewer, viewerOf(await t.editorOf('gausdal'))]) {
      const seen = await t.services.rules.list({ ...page, municipality: 'oyer' }, viewer)
      expect(seen.items.filter(names)).toEqual([])
      expect(seen.total).toBe(all.length - hidden.length)
      expect(await refusal(t.services.rules.get(hidden[0]!.rule.id, viewer))).toMatchObject({ kind: 'not_found' })
    }
    for (const viewer of [viewerOf(t.admin), viewerOf(await t.editorOf('oyer'))]) {
      expect((await t.services.rules.list({ ...page, municipality: 'oyer' }, viewer)).total).toBe(all.length)
      expect((await t.services.rules.get(hidden[0]!.rule.id, viewer)).rule.id).toBe(hidden[0]!.rule.id)
    }
  })
})
