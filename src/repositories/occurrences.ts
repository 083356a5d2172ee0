import { and, eq, inArray } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
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
      return ex.select().from(occurrenceStates).where(and(eq(occurrenceStates.ruleId, ruleId), eq(occurrenceStates.originalKey, originalKey))).get()
    },
    async insertState (values: StateInsert, ex: Executor = db): Promise<StateRow> {
      return ex.insert(occurrenceStates).values(values).returning().get()
    },
    async updateState (ruleId: number, originalKey: string, values: Partial<StateInsert>, ex: Executor = db): Promise<StateRow> {
      return ex.update(occurrenceStates).set(values).where(and(eq(occurrenceStates.ruleId, ruleId), eq(occurrenceStates.originalKey, originalKey))).returning().get()!
    },
    /** Copies stored states to another rule for the keys given (existing states of the target are kept). */
    async copyStates (fromRuleIds: number[], toRuleId: number, keys: ReadonlySet<string>, ex: Executor = db): Promise<number> {
      if (fromRuleIds.length === 0) return 0
      let copied = 0
      for (const s of ex.select().from(occurrenceStates).where(inArray(occurrenceStates.ruleId, fromRuleIds)).all()) {
        if (!keys.has(s.originalKey)) continue
        ex.insert(occurrenceStates).values({ ...s, ruleId: toRuleId }).onConflictDoNothing().run()
        copied++
      }
      return copied
    },
    async lookups (ex: Executor = db): Promise<LookupRows> {
      return {
        municipalities: new Map(ex.select().from(municipalities).all().map(m => [m.id, m])),
        collaborations: new Map(ex.select().from(collaborations).all().map(c => [c.id, c])),
        bodies: new Map(ex.select().from(bodies).all().map(b => [b.id, b])),
      }
    },
  }
  return repo
}
export type OccurrencesRepository = ReturnType<typeof createOccurrencesRepository>
