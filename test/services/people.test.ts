import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestDependencies } from '../helpers/app.js'
import { actorOfUser, normaliseEmail } from '../../src/services/people.js'
import { viewerOf } from '../../src/services/access.js'
import { ServiceError } from '../../src/shared/errors.js'

let deps: Awaited<ReturnType<typeof buildTestDependencies>>['deps']
let clock: Awaited<ReturnType<typeof buildTestDependencies>>['clock']
let sql: Awaited<ReturnType<typeof buildTestDependencies>>['sql']
let dispose: () => Promise<void>
beforeEach(async () => { ({ deps, clock, sql, dispose } = await buildTestDependencies({ now: '2027-03-01T09:00:00Z' })) })
afterEach(async () => { await dispose() })

const failure = async (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure') }, (e: unknown) => e as ServiceError)
const people = () => deps.services.people
const count = async (table: string) => ((await sql.get(`select count(*) as n from ${table}`)) as { n: number }).n

describe('people', () => {
  it('stores e-mail addresses lower-cased and refuses what is not an address', () => {
    expect(normaliseEmail('  Kari.Nordmann@Oyer.Kommune.NO ')).toBe('kari.nordmann@oyer.kommune.no')
    for (const bad of ['kari', 'kari@', '@oyer.no', 'kari@oyer', 'ka ri@oyer.no', 'kari@oyer.no>']) {
      expect(() => normaliseEmail(bad), bad).toThrow(/e-postadresse/)
    }
  })

  it('gives one user several roles: editor of two municipalities and sekretariat of a kontrollutvalg', async () => {
    const u = await people().ensure({ email: 'kari@region.no', name: 'Kari', roles: [{ role: 'editor', municipality: 'oyer' }, { role: 'editor', municipality: 'gausdal' }, { role: 'sekretariat', kontrollutvalg: 'oyer-kontrollutvalg' }] }, null)
    const again = await people().ensure({ email: 'KARI@region.no', roles: [{ role: 'editor', municipality: 'oyer' }] }, null)
    expect(again.id).toBe(u.id)
    expect(again.roles).toHaveLength(3)
    const actor = actorOfUser(again, again.roles)
    const oyer = await deps.services.municipalities.get('oyer')
    const gausdal = await deps.services.municipalities.get('gausdal')
    const ku = await deps.services.bodies.get('oyer-kontrollutvalg')
    expect(actor).toMatchObject({ role: 'editor', userId: u.id, via: 'session', auditName: 'Kari <kari@region.no>' })
    expect([...actor.municipalityIds].sort()).toEqual([oyer.id, gausdal.id].sort())
    expect(actor.kontrollutvalgIds).toEqual([ku.id])
    expect(viewerOf(actor).bodyIds.has(ku.id)).toBe(true)
  })

  it('refuses a role with the wrong scope, naming the field, and adds no user', async () => {
    const before = await count('app_user')
    expect(await failure(people().ensure({ email: 'a@b.no', roles: [{ role: 'editor' }] }, null))).toMatchObject({ code: 'people.municipality_required', field: 'municipality' })
    expect(await failure(people().ensure({ email: 'a@b.no', roles: [{ role: 'editor', municipality: 'atlantis' }] }, null))).toMatchObject({ code: 'people.unknown_municipality', field: 'municipality' })
    expect(await failure(people().ensure({ email: 'a@b.no', roles: [{ role: 'sekretariat', kontrollutvalg: 'oyer-kommunestyre' }] }, null))).toMatchObject({ code: 'people.unknown_kontrollutvalg', field: 'kontrollutvalg' })
    expect(await failure(people().ensure({ email: 'a@b.no', roles: [{ role: 'admin', municipality: 'oyer' }] }, null))).toMatchObject({ code: 'people.admin_scope' })
    expect(await count('app_user')).toBe(before)
  })

  it('an admin role makes an admin actor that sees everything', async () => {
    const u = await people().ensure({ email: 'admin@region.no', roles: [{ role: 'admin' }] }, null)
    const actor = actorOfUser(u, u.roles)
    expect(actor.role).toBe('admin')
    expect(viewerOf(actor).all).toBe(true)
  })

  it('a deactivated user cannot sign in, and deactivating ends their sessions', async () => {
    const admin = await people().ensure({ email: 'admin@region.no', roles: [{ role: 'admin' }] }, null)
    const u = await people().ensure({ email: 'ola@gausdal.no' }, null)
    const link = await people().issueLoginLink('ola@gausdal.no', '')
    const { sessionSecret } = await people().signInWithLink(link.url.split('/').pop()!)
    expect(await people().authenticate(sessionSecret)).not.toBeNull()
    await people().setActive(actorOfUser(admin, admin.roles), u.id, false)
    expect(await people().authenticate(sessionSecret)).toBeNull()
    expect(await failure(people().issueLoginLink('ola@gausdal.no', ''))).toMatchObject({ kind: 'not_found' })
  })

  it('a session ends SESSION_MAX_HOURS after sign-in however active', async () => {
    await people().ensure({ email: 'ola@gausdal.no' }, null)
    const link = await people().issueLoginLink('ola@gausdal.no', '')
    const { sessionSecret } = await people().signInWithLink(link.url.split('/').pop()!)
    for (let hour = 1; hour < 12; hour++) {
      clock.advance(3_600_000)
      expect(await people().authenticate(sessionSecret), `after ${hour} h`).not.toBeNull()
    }
    clock.advance(3_600_000)
    expect(await people().authenticate(sessionSecret)).toBeNull()
  })

  it('prune removes sessions and links that ended more than a day ago, and keeps live ones', async () => {
    await people().ensure({ email: 'ola@gausdal.no' }, null)
    const old = await people().issueLoginLink('ola@gausdal.no', '')
    await people().signInWithLink(old.url.split('/').pop()!)
    clock.advance(13 * 3_600_000 + 86_400_000)
    const fresh = await people().issueLoginLink('ola@gausdal.no', '')
    const { sessionSecret } = await people().signInWithLink(fresh.url.split('/').pop()!)
    expect(await count('session')).toBe(2)
    expect(await count('login_link')).toBe(2)
    expect(await people().prune()).toBe(2)
    expect(await count('session')).toBe(1)
    expect(await count('login_link')).toBe(1)
    expect(await people().authenticate(sessionSecret)).not.toBeNull()
  })

  it('the deployment secret is made once and then read back', async () => {
    const a = await people().deploymentSecret('csrf')
    expect(a).toMatch(/^csrf_[A-Za-z0-9_-]{43}$/)
    expect(await people().deploymentSecret('csrf')).toBe(a)
  })

  it('an admin making a sign-in link for someone is audited by name; anyone else is refused and nothing is written', async () => {
    const admin = await people().ensure({ email: 'admin@region.no', name: 'Admin', roles: [{ role: 'admin' }] }, null)
    const editor = await people().ensure({ email: 'kari@oyer.no', roles: [{ role: 'editor', municipality: 'oyer' }] }, null)
    const ola = await people().ensure({ email: 'ola@gausdal.no' }, null)
    const links = await count('login_link')
    expect(await failure(people().issueLoginLink('ola@gausdal.no', '', actorOfUser(editor, editor.roles)))).toMatchObject({ kind: 'forbidden' })
    expect(await count('login_link')).toBe(links)
    await people().issueLoginLink('ola@gausdal.no', '', actorOfUser(admin, admin.roles))
    expect((await sql.all('select actor, user_id as "userId", entity_id as "entityId" from audit_log where action = \'login_link\'')))
      .toEqual([{ actor: 'Admin <admin@region.no>', userId: admin.id, entityId: String(ola.id) }])
  })
})
