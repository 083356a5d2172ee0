// Kontroll service tests run on the composition root without HTTP (test date 2027-01-15).
import fs from 'node:fs'
import { expect } from 'vitest'
import { buildTestDependencies } from '../../helpers/app.js'
import type { Actor } from '../../../src/services/access.js'
import { ServiceError } from '../../../src/shared/errors.js'

export type KontrollTest = Awaited<ReturnType<typeof openKontrollTest>>

export async function openKontrollTest () {
  const t = await buildTestDependencies()
  const { services } = t.deps
  const municipalityId = async (slug: string) => (await services.municipalities.get(slug)).id
  const editorOf = async (slug: string): Promise<Actor> => ({ tokenId: null, label: `test-editor-${slug}`, role: 'editor', municipalityIds: [await municipalityId(slug)] })
  return {
    ...t,
    kontroll: services.kontroll,
    admin: { tokenId: null, label: 'test-admin', role: 'admin', municipalityIds: [] } satisfies Actor as Actor,
    editorOf,
    /** Every row of every table: compare before and after a refused or failed write. */
    snapshot (): string {
      const { sqlite } = t.deps.database
      const tables = (sqlite.prepare("select name from sqlite_master where type='table' and name not like 'sqlite_%' order by name").all() as Array<{ name: string }>).map(r => r.name)
      return JSON.stringify(Object.fromEntries(tables.map(name => [name, sqlite.prepare(`select * from "${name}"`).all()])))
    },
    /** The stored state of a municipality's adoption occurrence of a plan type (undefined: never changed). */
    adoptionState (municipality: string, type: string) {
      return t.deps.database.sqlite.prepare(`select s.status, s.delivered_on as deliveredOn, s.approved_on as approvedOn, s.case_number as caseNumber
        from occurrence_state s join rule r on r.id = s.rule_id join municipality m on m.id = r.municipality_id
        where m.slug = ? and r.event_type = ?`).get(municipality, `plan_${type}`) as { status: string; deliveredOn: string | null; approvedOn: string | null; caseNumber: string | null } | undefined
    },
    close () {
      t.deps.close()
      fs.rmSync(t.dir, { recursive: true, force: true })
    },
  }
}

export async function failure (work: Promise<unknown>): Promise<ServiceError> {
  const err = await work.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(ServiceError)
  return err as ServiceError
}

export const KUS = ['lillehammer-kontrollutvalg', 'gausdal-kontrollutvalg', 'oyer-kontrollutvalg']
