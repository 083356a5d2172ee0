// Service-test fixture: the composition root over a seeded database without HTTP, actors, a database
// snapshot, a way to make a body private, and the ServiceError a refused call rejects with.
import fs from 'node:fs'
import { expect } from 'vitest'
import { buildTestDependencies, databaseSnapshot } from './app.js'
import type { Actor } from '../../src/services/access.js'
import { ServiceError } from '../../src/shared/errors.js'

/** `labelPrefix` goes before the actors' labels ('admin', 'editor-oyer'), which the audit log records. */
export async function serviceFixture (opts: { labelPrefix?: string } = {}) {
  const { deps, dir, clock } = await buildTestDependencies()
  const { sqlite } = deps.database
  const prefix = opts.labelPrefix ?? ''
  const idOf = (table: 'municipality' | 'body' | 'collaboration', slug: string) =>
    (sqlite.prepare(`select id from ${table} where slug = ?`).get(slug) as { id: number }).id
  const editorOf = (municipality: string): Actor => ({ tokenId: null, label: `${prefix}editor-${municipality}`, role: 'editor', municipalityIds: [idOf('municipality', municipality)] })
  const admin: Actor = { tokenId: null, label: `${prefix}admin`, role: 'admin', municipalityIds: [] }

  return {
    deps,
    clock,
    services: deps.services,
    repos: deps.repos,
    sqlite,
    idOf,
    admin,
    editorOf,
    /** Every row of every table: compare before and after a refused write. */
    snapshot: (): string => databaseSnapshot(sqlite),
    makePrivate (slug: string) { sqlite.prepare("update body set feed_visibility = 'private' where slug = ?").run(slug) },
    close () {
      deps.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
export type ServiceFixture = Awaited<ReturnType<typeof serviceFixture>>

/** The ServiceError a promise rejects with (fails the test if it resolves or throws something else). */
export async function refusal (work: Promise<unknown>): Promise<ServiceError> {
  const err = await work.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(ServiceError)
  return err as ServiceError
}
