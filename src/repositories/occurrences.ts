import { and, asc, eq, inArray } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { first } from '../db/query.js'
import { bodies, collaborations, municipalities, occurrenceStates } from '../db/schema.js'
import type { OccurrenceStatus } from '../domain/vocabulary.js'

export type StateRow = typeof occurrenceStates.$inferSelect
export type StateInsert = typeof occurrenceStates.$inferInsert
/** Every municipality, collaboration and body by id (tombstones included): what the read model names. */
export interface LookupRows {
  municipalities: Map<number, typeof municipalities.$inferSelect>
  collaborations: Map<number, typeof collaborations.$inferSelect>
  bodies: Map<number, typeof bodies.$inferSelect>
}
export interface StatePatch {
  status?: OccurrenceStatus;
  movedTo?: string | null;
  caseNumber?: string | null;
  caseUrl?: string | null
  note?: string | null;
  deliveredOn?: string | null;
  approvedOn?: string | null
}

/** Stored occurrence states (what users changed on one occurrence) and the register lookups rules name: SQL only. Occurrences are read from the index (repositories/occurrence-index.ts). */
export function createOccurrencesRepository (db: Db) {
  const repo = {
    async findState (ruleId: number, originalKey: string, ex: Executor = db): Promise<StateRow | undefined> {
      return first(ex.select().from(occurrenceStates).where(and(eq(occurrenceStates.ruleId, ruleId), eq(occurrenceStates.originalKey, originalKey))))
    },
    async insertState (values: StateInsert, ex: Executor = db): Promise<StateRow> {
      return (await first(ex.insert(occurrenceStates).values(values).returning()))!
    },
    async updateState (ruleId: number, originalKey: string, values: Partial<StateInsert>, ex: Executor = db): Promise<StateRow> {
      return (await first(ex.update(occurrenceStates).set(values).where(and(eq(occurrenceStates.ruleId, ruleId), eq(occurrenceStates.originalKey, originalKey))).returning()))!
    },
    /** Copies stored states to another rule for the keys given (existing states of the target are kept). */
    async copyStates (fromRuleIds: number[], toRuleId: number, keys: ReadonlySet<string>, ex: Executor = db): Promise<number> {
      if (fromRuleIds.length === 0) return 0
      let copied = 0
      for (const s of await ex.select().from(occurrenceStates).where(inArray(occurrenceStates.ruleId, fromRuleIds)).orderBy(asc(occurrenceStates.ruleId), asc(occurrenceStates.originalKey))) {
        if (!keys.has(s.originalKey)) continue
        await ex.insert(occurrenceStates).values({ ...s, ruleId: toRuleId }).onConflictDoNothing()
        copied++
      }
      return copied
    },
    async lookups (ex: Executor = db): Promise<LookupRows> {
      return {
        municipalities: new Map((await ex.select().from(municipalities).orderBy(asc(municipalities.id))).map(m => [m.id, m])),
        collaborations: new Map((await ex.select().from(collaborations).orderBy(asc(collaborations.id))).map(c => [c.id, c])),
        bodies: new Map((await ex.select().from(bodies).orderBy(asc(bodies.id))).map(b => [b.id, b])),
      }
    },
  }
  return repo
}
export type OccurrencesRepository = ReturnType<typeof createOccurrencesRepository>
