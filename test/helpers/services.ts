// Service-test fixture: the composition root over a seeded database without HTTP, actors, a database
// snapshot, a way to make a body private, and the ServiceError a refused call rejects with.
import { expect } from 'vitest'
import { buildTestDependencies, databaseSnapshot } from './app.js'
import type { Actor } from '../../src/services/access.js'
import { ServiceError } from '../../src/shared/errors.js'

/** `labelPrefix` goes before the actors' labels ('admin', 'editor-oyer'), which the audit log records. */
export async function serviceFixture (opts: { labelPrefix?: string } = {}) {
  const built = await buildTestDependencies()
  const { deps, clock, sql } = built
  const prefix = opts.labelPrefix ?? ''
  /** The id of a municipality, body or collaboration by slug (throws when there is none). */
  const idOf = async (table: 'municipality' | 'body' | 'collaboration', slug: string): Promise<number> => {
    const row = await sql.get<{ id: number }>(`select id from ${table} where slug = ?`, slug)
    if (!row) throw new Error(`no ${table} ${slug}`)
    return row.id
  }
  const editorOf = async (municipality: string): Promise<Actor> => ({ tokenId: null, label: `${prefix}editor-${municipality}`, role: 'editor', municipalityIds: [await idOf('municipality', municipality)] })
  const admin: Actor = { tokenId: null, label: `${prefix}admin`, role: 'admin', municipalityIds: [] }

  return {
    deps,
    clock,
    services: deps.services,
    repos: deps.repos,
    sql,
    dialect: deps.database.dialect,
    idOf,
    admin,
    editorOf,
    /** Every row of every table, once a background rebuild of the occurrence index is done: compare before and after a refused write. */
    async snapshot (): Promise<string> {
      await deps.services.occurrenceIndex.settled()
      return databaseSnapshot(deps.database)
    },
    async makePrivate (slug: string) { await sql.run("update body set feed_visibility = 'private' where slug = ?", slug) },
    close: () => built.dispose(),
  }
}
export type ServiceFixture = Awaited<ReturnType<typeof serviceFixture>>

/** The ServiceError a promise rejects with (fails the test if it resolves or throws something else). */
export async function refusal (work: Promise<unknown>): Promise<ServiceError> {
  const err = await work.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(ServiceError)
  return err as ServiceError
}
