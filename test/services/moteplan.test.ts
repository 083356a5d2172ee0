// src/services/moteplan.ts: adopting a body's møteplan in one transaction, without HTTP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { refusal, serviceFixture, type ServiceFixture } from '../helpers/services.js'
import { systemViewer } from '../../src/services/access.js'
import { createMoteplanService } from '../../src/services/moteplan.js'

let t: ServiceFixture
beforeEach(async () => { t = await serviceFixture() })
afterEach(() => t.close())

const meetings = async (body: string) => (await t.services.occurrences.list({ body, from: '2027-01-01', to: '2027-12-31', eventTypes: ['mote'] }, systemViewer))
  .filter(o => o.responsibleBody?.slug === body)
const plans = (body: string) => t.sqlite.prepare("select id, origin, deleted from rule where event_type = 'mote' and responsible_body_id = ? and package_key is null order by id").all(t.idOf('body', body))

describe('moteplan.adopt', () => {
  it('replaces the default plan, keeps state on unchanged meeting times and audits the adoption', async () => {
    const defaults = await meetings('gausdal-kommunestyre')
    expect(defaults).toHaveLength(9)
    const kept = defaults.find(m => m.localStart === '2027-03-18T18:00')!
    await t.services.occurrences.change(kept.id, { status: 'in_progress', note: 'Budsjettsak' }, t.admin)
    const lastAudit = (t.sqlite.prepare('select max(id) as id from audit_log').get() as { id: number }).id
    const result = await t.services.moteplan.adopt('gausdal-kommunestyre', { format: 'json', meetings: [{ start: '2027-03-18T18:00' }, { start: '2027-02-11T18:00' }, { start: '2027-06-24T18:00', durationMinutes: 240 }] }, t.editorOf('gausdal'))
    expect(result).toMatchObject({ meetings: 3, replacedRules: 1, keptStates: 1 })
    expect(plans('gausdal-kommunestyre')).toEqual([
      { id: expect.any(Number), origin: 'moteplan_default', deleted: 1 },
      { id: result.ruleId, origin: 'moteplan_adopted', deleted: 0 },
    ])
    const adopted = await meetings('gausdal-kommunestyre')
    expect(adopted.map(m => m.localStart)).toEqual(['2027-02-11T18:00', '2027-03-18T18:00', '2027-06-24T18:00'])
    expect(adopted[1]).toMatchObject({ status: 'in_progress', note: 'Budsjettsak' })
    const audit = t.sqlite.prepare('select action, actor from audit_log where id > ? order by id').all(lastAudit)
    expect(audit).toEqual(['delete', 'create', 'adopt_moteplan'].map(action => ({ action, actor: 'editor:editor-gausdal' })))
  })

  it('keeps a meeting added as a rule of its own (an extra meeting): only the default or a previously adopted plan is replaced', async () => {
    await t.services.rules.create({
      eventType: 'mote', municipality: 'gausdal', responsibleBody: 'gausdal-kommunestyre', title: 'Ekstraordinært møte', dtstart: 'DTSTART;TZID=Europe/Oslo:20270505T180000',
    }, t.editorOf('gausdal'))
    const result = await t.services.moteplan.adopt('gausdal-kommunestyre', { format: 'json', meetings: [{ start: '2027-03-18T18:00' }] }, t.editorOf('gausdal'))
    expect(result).toMatchObject({ meetings: 1, replacedRules: 1 })
    expect((await meetings('gausdal-kommunestyre')).map(m => m.localStart)).toEqual(['2027-03-18T18:00', '2027-05-05T18:00'])
    expect(plans('gausdal-kommunestyre')).toContainEqual({ id: expect.any(Number), origin: 'manual', deleted: 0 })
  })

  it('reads CSV and iCal, and refuses a malformed or empty plan naming the line, storing nothing', async () => {
    expect(await t.services.moteplan.adopt('oyer-formannskap', { format: 'csv', text: 'dato;tid\n04.02.2027;09:00\n2027-03-04;09:30\n' }, t.editorOf('oyer'))).toMatchObject({ meetings: 2 })
    const before = t.snapshot()
    expect(await refusal(t.services.moteplan.adopt('oyer-kommunestyre', { format: 'csv', text: 'dato;tid\n2027-03-04;09:30\n31.02.2027;09:00\n' }, t.admin))).toMatchObject({ code: 'moteplan.invalid', field: 'body/line/3' })
    expect(await refusal(t.services.moteplan.adopt('oyer-kommunestyre', { format: 'ical', text: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR' }, t.admin))).toMatchObject({ kind: 'invalid' })
    expect(await refusal(t.services.moteplan.adopt('nobody', { format: 'json', meetings: [{ start: '2027-03-04T09:30' }] }, t.admin))).toMatchObject({ kind: 'not_found', field: 'ref' })
    expect(t.snapshot()).toBe(before)
  })

  it('refuses another municipality’s editor (403) and no actor (401), storing nothing', async () => {
    const before = t.snapshot()
    const plan = { format: 'json' as const, meetings: [{ start: '2027-03-04T09:30' }] }
    expect(await refusal(t.services.moteplan.adopt('gausdal-kommunestyre', plan, t.editorOf('oyer')))).toMatchObject({ kind: 'forbidden' })
    expect(await refusal(t.services.moteplan.adopt('gausdal-kommunestyre', plan, null))).toMatchObject({ kind: 'unauthorized' })
    expect(t.snapshot()).toBe(before)
  })

  it('is atomic: when creating the adopted rule fails after the old plans were removed, nothing has changed', async () => {
    const real = t.services.rules
    let removed = 0
    const failing = createMoteplanService({
      ...t.repos,
      access: t.services.access,
      clock: t.clock,
      transactor: t.deps.transactor,
      rulesService: {
        removeRow: async (...args: Parameters<typeof real.removeRow>) => { await real.removeRow(...args); removed++ },
        createRow: async () => { throw new Error('disk full') },
      },
    })
    const before = t.snapshot()
    await expect(failing.adopt('gausdal-kommunestyre', { format: 'json', meetings: [{ start: '2027-03-18T18:00' }] }, t.admin)).rejects.toThrow('disk full')
    expect(removed).toBe(1)
    expect(t.snapshot()).toBe(before)
    expect(plans('gausdal-kommunestyre')).toEqual([{ id: expect.any(Number), origin: 'moteplan_default', deleted: 0 }])
  })
})

describe('a transaction spanning two repositories', () => {
  it('rolls back as a whole when the second write fails', async () => {
    const rule = (await t.services.rules.list({ limit: 1, offset: 0, municipality: 'oyer', eventTypes: ['arsberetning'] }, systemViewer)).items[0]!.rule
    const key = '2027-03-31'
    await t.repos.occurrences.insertState({ ruleId: rule.id, originalKey: key, status: 'planned', revision: 0, created: 1, modified: 1 })
    const before = t.snapshot()
    await expect(t.deps.transactor.transaction(async tx => {
      await t.repos.rules.softDelete(rule.id, tx)
      // The same (rule, key) again: the primary key refuses it.
      await t.repos.occurrences.insertState({ ruleId: rule.id, originalKey: key, status: 'delivered', revision: 1, created: 2, modified: 2 }, tx)
    })).rejects.toThrow()
    expect(t.snapshot()).toBe(before)
    expect((await t.repos.rules.find(rule.id))!.deleted).toBe(false)
  })
})
