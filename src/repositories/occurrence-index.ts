// The occurrence index's SQL: its rows, its bookkeeping, and the facts the engine reads to recompute
// rows. No rules of the work here: the index service (services/occurrence-index.ts) decides.
import { and, asc, count, eq, getTableColumns, gt, gte, inArray, isNull, lt, lte, ne, notInArray, or, sql, type SQL } from 'drizzle-orm'
import type { Statement } from 'better-sqlite3'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { dialectOf, first, rows, run, type Dialect } from '../db/query.js'
import { bodies, collaborations, constitutions, municipalities, occurrenceStates, participations, rules } from '../db/schema.js'
import { calendarRevisions, occurrenceIndex, occurrenceIndexDirty, occurrenceIndexMeta } from '../db/schema-index.js'
import type { CalendarScope, EngineBody, EngineOwner, EngineState, OccurrenceRow } from '../domain/occurrence-engine.js'
import type { ConstitutionDates } from '../domain/valgperiode.js'
import type { BodyKind } from '../domain/vocabulary.js'
import type { RuleRow } from './rules.js'
import { refCondition } from './shared.js'

/** The names the read model shows, by id (tombstones included). */
export interface NameRows {
  municipalities: Map<number, { id: number; slug: string; name: string }>
  collaborations: Map<number, { id: number; slug: string; name: string }>
  bodies: Map<number, { id: number; slug: string; name: string; kind: BodyKind; deleted: boolean }>
}

export type IndexMeta = typeof occurrenceIndexMeta.$inferSelect
export type DirtyEntry = typeof occurrenceIndexDirty.$inferSelect
type DbRow = typeof occurrenceIndex.$inferSelect

/** What one index read asks for; the SQL mirrors `inCalendar` and `rowVisible` (domain/occurrence-engine.ts). */
export interface IndexQuery {
  from: string
  to: string
  scope: CalendarScope
  hiddenBodyIds: ReadonlySet<number>
  eventTypes?: readonly string[]
  /** Stored statuses, 'overdue' (judged on `asOf`) and 'not_recorded' (before the subject's tracking start, never recorded). */
  statuses?: readonly string[]
  asOf: string
  /** Epoch ms. */
  modifiedSince?: number
}

const CHUNK = 500
const chunks = <T>(xs: readonly T[], n = CHUNK): T[][] => {
  const out: T[][] = []
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n))
  return out
}

const toRow = (r: DbRow): OccurrenceRow => ({ ...r, calendarKinds: r.calendarKinds === '' ? [] : r.calendarKinds.slice(1, -1).split(',') })
const fromRow = (r: OccurrenceRow): DbRow => ({ ...r, calendarKinds: r.calendarKinds.length ? `,${r.calendarKinds.join(',')},` : '' })

const DONE = ['delivered', 'approved', 'cancelled'] as const
const o = occurrenceIndex
/** `notRecorded` (domain/occurrences.ts) in SQL: still planned, due before its subject's tracking start. */
const notRecordedSql = sql`(${o.status} = 'planned' AND ${o.trackingFrom} IS NOT NULL AND ${o.date} < ${o.trackingFrom})`
/** Its negation (what may be overdue). */
const recorded = sql`(${o.status} <> 'planned' OR ${o.trackingFrom} IS NULL OR ${o.date} >= ${o.trackingFrom})`

/** The index's columns in insert order: the row's key, the SQL name and the driver mapping (booleans, JSON). */
const insertColumns = Object.entries(getTableColumns(o)).map(([key, column]) => ({ key: key as keyof DbRow, name: column.name, column }))
/** A column's driver value for a row (null for none). */
const driverValue = (values: DbRow, c: typeof insertColumns[number]): unknown => {
  const value = values[c.key]
  return value === null || value === undefined ? null : c.column.mapToDriverValue(value)
}
/** PostgreSQL's array type for each column (its schema mirrors SQLite's: INTEGER → bigint, booleans stay 0/1). */
const pgArrayType = (c: typeof insertColumns[number]): string => {
  const t = c.column.getSQLType()
  return t === 'integer' ? 'bigint[]' : t === 'real' ? 'double precision[]' : 'text[]'
}
/**
 * Rows per INSERT on PostgreSQL: each column goes in as one array parameter and `unnest` turns the
 * arrays back into rows, so a statement costs the same whatever the number of rows.
 */
const PG_INSERT_CHUNK = 5000
/** `calendar_kinds` (',kommunestyre,formannskap,') names this kind of body. */
const hasKind = (dialect: Dialect, kind: string): SQL => dialect === 'pg'
  ? sql`strpos(${o.calendarKinds}, ${`,${kind},`}) > 0`
  : sql`instr(${o.calendarKinds}, ${`,${kind},`}) > 0`

export function createOccurrenceIndexRepository (db: Db) {
  // Building the index inserts hundreds of thousands of rows; drizzle's query builder costs more than
  // SQLite does for each, so rows go through one prepared statement. The statement runs on the
  // connection every executor shares (SQLite transactions are per connection), so it joins `ex`'s transaction.
  let insertStatement: Statement | undefined
  const insertRow = () => (insertStatement ??= db.$client.prepare(
    `INSERT INTO occurrence (${insertColumns.map(c => `"${c.name}"`).join(', ')}) VALUES (${insertColumns.map(() => '?').join(', ')})`))
  function where (q: IndexQuery, dialect: Dialect): SQL | undefined {
    const s = q.scope
    // The date range goes into each branch of an OR, so each branch is one range read of its own index.
    const dates = and(gte(o.date, q.from), lte(o.date, q.to))
    let scope: SQL | undefined = dates
    if (s.type === 'collaboration') scope = and(eq(o.collaborationId, s.id), dates)
    else if (s.type === 'municipality') {
      const involved = [...s.involvedCollaborationIds]
      scope = involved.length
        ? or(and(eq(o.municipalityId, s.id), dates), and(inArray(o.collaborationId, involved), dates, eq(o.memberSpecific, false)))
        : and(eq(o.municipalityId, s.id), dates)
    } else if (s.type === 'body') {
      const b = s.body
      const owner = b.municipalityId !== null ? and(eq(o.municipalityId, b.municipalityId), dates, isNull(o.collaborationId)) : and(eq(o.collaborationId, b.collaborationId ?? -1), dates)
      scope = or(and(eq(o.responsibleBodyId, b.id), dates), and(eq(o.treatedByBodyId, b.id), dates),
        and(owner, ne(o.eventType, 'mote'), eq(o.memberSpecific, false), hasKind(dialect, b.kind)))
    }
    const hidden = [...q.hiddenBodyIds]
    const visible = hidden.length
      ? and(...[o.responsibleBodyId, o.treatedByBodyId, o.relatedBodyId].map(c => or(isNull(c), notInArray(c, hidden))))
      : undefined
    let status: SQL | undefined
    if (q.statuses?.length) {
      const stored = q.statuses.filter(x => x !== 'overdue' && x !== 'not_recorded')
      status = or(
        stored.length ? inArray(o.status, stored as Array<DbRow['status']>) : undefined,
        q.statuses.includes('overdue') ? and(ne(o.kind, 'meeting'), notInArray(o.status, [...DONE]), lt(o.date, q.asOf), recorded) : undefined,
        q.statuses.includes('not_recorded') ? notRecordedSql : undefined)
    }
    return and(scope, visible,
      q.eventTypes?.length ? inArray(o.eventType, [...q.eventTypes]) : undefined,
      status,
      q.modifiedSince !== undefined ? gte(o.modified, q.modifiedSince) : undefined)
  }

  const repo = {
    // ── reads ──────────────────────────────────────────────────────────────────────────────────
    /** Rows of a calendar in a window, in date order (date, local start, id), one page of them. */
    async select (q: IndexQuery, page?: { limit: number; offset: number }, ex: Executor = db): Promise<OccurrenceRow[]> {
      // An all-day row (no local start) comes first on its day: SQLite sorts NULL first, PostgreSQL last unless told.
      const order = [asc(o.date), dialectOf(ex) === 'pg' ? sql`${o.localStart} ASC NULLS FIRST` : asc(o.localStart), asc(o.id)]
      if (!page) return (await ex.select().from(o).where(where(q, dialectOf(ex))).orderBy(...order)).map(toRow)
      // The page's ids first, from the (date, local_start, id) index alone: a deep offset then skips
      // index entries, not whole rows.
      const ids = ex.select({ id: o.id }).from(o).where(where(q, dialectOf(ex))).orderBy(...order).limit(page.limit).offset(page.offset)
      return (await ex.select().from(o).where(inArray(o.id, ids)).orderBy(...order)).map(toRow)
    },
    async count (q: IndexQuery, ex: Executor = db): Promise<number> {
      return (await first(ex.select({ n: count() }).from(o).where(where(q, dialectOf(ex)))))?.n ?? 0
    },
    async find (id: string, ex: Executor = db): Promise<OccurrenceRow | undefined> {
      const r = await first(ex.select().from(o).where(eq(o.id, id)))
      return r && toRow(r)
    },
    /**
     * Per municipality, in one pass over the index: its calendar's items that are overdue on `asOf`
     * (due from `overdueFrom`) and those due from `asOf` to `upcomingTo` that are not done (meetings
     * excluded). A municipality's calendar includes the collaborations it takes part in or hosts.
     */
    async countsByMunicipality (q: { overdueFrom: string; asOf: string; upcomingTo: string; hiddenBodyIds: ReadonlySet<number> }, ex: Executor = db): Promise<Map<number, { overdue: number; upcoming: number }>> {
      const hidden = [...q.hiddenBodyIds]
      const visible = hidden.length
        ? sql` AND (o.responsible_body_id IS NULL OR o.responsible_body_id NOT IN (${sql.join(hidden.map(id => sql`${id}`), sql`, `)}))
              AND (o.treated_by_body_id IS NULL OR o.treated_by_body_id NOT IN (${sql.join(hidden.map(id => sql`${id}`), sql`, `)}))
              AND (o.related_body_id IS NULL OR o.related_body_id NOT IN (${sql.join(hidden.map(id => sql`${id}`), sql`, `)}))`
        : sql``
      // Counted per municipality, per collaboration, and per (municipality, collaboration) for the rows
      // that name both; a municipality's total is its own plus its collaborations' minus what both name.
      // Open: not done, and not "ikke registrert" (due before its subject's tracking start and never
      // recorded; domain `notRecorded`). The first terms are the partial index's own condition, so
      // SQLite still ranges over occurrence_open_idx; the tracking test reads the row only there.
      const open = sql`o.date BETWEEN ${q.overdueFrom} AND ${q.upcomingTo} AND o.kind <> 'meeting' AND o.status NOT IN ('delivered', 'approved', 'cancelled')
        AND (o.status <> 'planned' OR o.tracking_from IS NULL OR o.date >= o.tracking_from) ${visible}`
      const counts = sql`SUM(CASE WHEN o.date < ${q.asOf} THEN 1 ELSE 0 END) AS overdue, SUM(CASE WHEN o.date >= ${q.asOf} THEN 1 ELSE 0 END) AS upcoming`
      type Count = { overdue: number; upcoming: number }
      // Four independent reads: on PostgreSQL's pool they run side by side (SQLite runs them in turn).
      const [own, shared, both, involved] = await Promise.all([
        rows<Count & { m: number }>(ex, sql`SELECT o.municipality_id AS m, ${counts} FROM occurrence o WHERE ${open} AND o.municipality_id IS NOT NULL GROUP BY 1`),
        rows<Count & { c: number }>(ex, sql`SELECT o.collaboration_id AS c, ${counts} FROM occurrence o WHERE ${open} AND o.collaboration_id IS NOT NULL AND o.member_specific = 0 GROUP BY 1`),
        rows<Count & { m: number; c: number }>(ex, sql`SELECT o.municipality_id AS m, o.collaboration_id AS c, ${counts} FROM occurrence o
          WHERE ${open} AND o.municipality_id IS NOT NULL AND o.collaboration_id IS NOT NULL AND o.member_specific = 0 GROUP BY 1, 2`),
        rows<{ c: number; m: number }>(ex, sql`SELECT collaboration_id AS c, municipality_id AS m FROM participation
          UNION SELECT id, host_municipality_id FROM collaboration WHERE host_municipality_id IS NOT NULL`),
      ])
      const out = new Map<number, Count>()
      // Number(): the sums and ids feed arithmetic and map keys whatever type the driver gives them.
      const add = (m: number, n: Count, sign = 1) => {
        const cur = out.get(Number(m)) ?? { overdue: 0, upcoming: 0 }
        out.set(Number(m), { overdue: cur.overdue + sign * Number(n.overdue), upcoming: cur.upcoming + sign * Number(n.upcoming) })
      }
      for (const r of own) add(r.m, r)
      const byCollaboration = new Map(shared.map(r => [Number(r.c), r]))
      const pairs = new Set(involved.map(i => `${i.m}:${i.c}`))
      for (const i of involved) {
        const n = byCollaboration.get(Number(i.c))
        if (n) add(i.m, n)
      }
      for (const r of both) if (pairs.has(`${r.m}:${r.c}`)) add(r.m, r, -1)
      return out
    },
    /** The rows with these ids (those the index holds). */
    async findMany (ids: readonly string[], ex: Executor = db): Promise<OccurrenceRow[]> {
      const out: OccurrenceRow[] = []
      for (const part of chunks(ids)) out.push(...(await ex.select().from(o).where(inArray(o.id, part))).map(toRow))
      return out
    },
    /** Every row of these rules. */
    async rowsOfRules (ruleIds: readonly number[], ex: Executor = db): Promise<OccurrenceRow[]> {
      const out: OccurrenceRow[] = []
      for (const part of chunks(ruleIds)) out.push(...(await ex.select().from(o).where(inArray(o.ruleId, part))).map(toRow))
      return out
    },
    /** The items a body treats (not meetings), with a date in the range: whose treating meeting may change. */
    /** What each body treats (not meetings) within its own date range: one read per 100 bodies. */
    async treatedBy (ranges: ReadonlyArray<{ bodyId: number; from: string; to: string }>, ex: Executor = db): Promise<OccurrenceRow[]> {
      const out: OccurrenceRow[] = []
      for (const part of chunks(ranges, 100)) {
        const each = part.map(r => and(eq(o.treatedByBodyId, r.bodyId), gte(o.date, r.from), lte(o.date, r.to)))
        out.push(...(await ex.select().from(o).where(and(ne(o.kind, 'meeting'), or(...each)))).map(toRow))
      }
      return out
    },
    /** The meeting rules whose owner preparations a municipality holds. */
    async preparationRuleIdsOwnedBy (municipalityIds: readonly number[], ex: Executor = db): Promise<number[]> {
      if (!municipalityIds.length) return []
      return (await ex.selectDistinct({ id: o.ruleId }).from(o).where(and(eq(o.eventType, 'eierbehandling'), inArray(o.municipalityId, [...municipalityIds])))).map(r => r.id)
    },

    /** The names of every municipality, collaboration and body these rows name. */
    async names (rows: readonly OccurrenceRow[], ex: Executor = db): Promise<NameRows> {
      const ms = new Set<number>()
      const cs = new Set<number>()
      const bs = new Set<number>()
      for (const r of rows) {
        if (r.municipalityId !== null) ms.add(r.municipalityId)
        if (r.collaborationId !== null) cs.add(r.collaborationId)
        for (const b of [r.responsibleBodyId, r.treatedByBodyId, r.relatedBodyId]) if (b !== null) bs.add(b)
      }
      const out: NameRows = { municipalities: new Map(), collaborations: new Map(), bodies: new Map() }
      for (const part of chunks([...ms])) for (const m of await ex.select({ id: municipalities.id, slug: municipalities.slug, name: municipalities.name }).from(municipalities).where(inArray(municipalities.id, part))) out.municipalities.set(m.id, m)
      for (const part of chunks([...cs])) for (const c of await ex.select({ id: collaborations.id, slug: collaborations.slug, name: collaborations.name }).from(collaborations).where(inArray(collaborations.id, part))) out.collaborations.set(c.id, c)
      for (const part of chunks([...bs])) {
        for (const b of await ex.select({ id: bodies.id, slug: bodies.slug, name: bodies.name, kind: bodies.kind, deleted: bodies.deleted }).from(bodies).where(inArray(bodies.id, part))) out.bodies.set(b.id, b)
      }
      return out
    },
    /** A live municipality or collaboration by id or slug. */
    async findSubject (type: 'municipality' | 'collaboration', ref: string | number, ex: Executor = db): Promise<{ id: number } | undefined> {
      const t = type === 'municipality' ? municipalities : collaborations
      return first(ex.select({ id: t.id }).from(t).where(and(refCondition(ref, t.id, t.slug), eq(t.deleted, false))).limit(1))
    },
    /** A live body by id or slug. */
    async findBody (ref: string | number, ex: Executor = db): Promise<{ id: number; kind: BodyKind; municipalityId: number | null; collaborationId: number | null } | undefined> {
      return first(ex.select({ id: bodies.id, kind: bodies.kind, municipalityId: bodies.municipalityId, collaborationId: bodies.collaborationId })
        .from(bodies).where(and(refCondition(ref, bodies.id, bodies.slug), eq(bodies.deleted, false))).limit(1))
    },
    /**
     * The live rules whose rows can be in a calendar (a superset: the engine's rows are checked with
     * `inCalendar` after). For a municipality: its own and its bodies' rules and those of the
     * collaborations it is in (whose owner meetings it prepares).
     */
    async candidateRules (scope: CalendarScope, ex: Executor = db): Promise<RuleRow[]> {
      const liveRule = and(eq(rules.deleted, false), eq(rules.enabled, true))
      let where: SQL | undefined
      if (scope.type === 'collaboration') where = eq(rules.collaborationId, scope.id)
      else if (scope.type === 'municipality') {
        const own = ex.select({ id: bodies.id }).from(bodies).where(eq(bodies.municipalityId, scope.id))
        where = or(eq(rules.municipalityId, scope.id), inArray(rules.responsibleBodyId, own), inArray(rules.collaborationId, [...scope.involvedCollaborationIds]))
      } else if (scope.type === 'body') {
        const b = scope.body
        const involved = b.municipalityId !== null && b.kind === 'formannskap' ? [...await repo.involvedCollaborationIds(b.municipalityId, ex)] : []
        where = or(eq(rules.responsibleBodyId, b.id), eq(rules.treatedByBodyId, b.id),
          b.municipalityId !== null ? eq(rules.municipalityId, b.municipalityId) : eq(rules.collaborationId, b.collaborationId ?? -1),
          involved.length ? and(inArray(rules.collaborationId, involved), eq(rules.eventType, 'mote')) : undefined)
      }
      return ex.select().from(rules).where(and(liveRule, where)).orderBy(asc(rules.id))
    },

    // ── writes ─────────────────────────────────────────────────────────────────────────────────
    async deleteRules (ruleIds: readonly number[], ex: Executor = db): Promise<void> {
      for (const part of chunks(ruleIds)) await ex.delete(o).where(inArray(o.ruleId, part))
    },
    async deleteIds (ids: readonly string[], ex: Executor = db): Promise<void> {
      for (const part of chunks(ids)) await ex.delete(o).where(inArray(o.id, part))
    },
    /** Inserts rows (in `ex`'s transaction; on SQLite see insertRow). */
    async insert (rows: readonly OccurrenceRow[], ex: Executor = db): Promise<void> {
      if (dialectOf(ex) === 'sqlite') {
        const statement = insertRow()
        for (const row of rows) {
          const values = fromRow(row)
          statement.run(insertColumns.map(c => driverValue(values, c)))
        }
        return
      }
      for (const part of chunks(rows, PG_INSERT_CHUNK)) {
        const values = part.map(fromRow)
        // A column that is null in every row is left out (no column has a default): most rows have no
        // case, note, meeting or tracking start, and each array costs parsing on both sides.
        const columns = insertColumns.map(c => ({ c, values: values.map(v => driverValue(v, c)) })).filter(x => x.values.some(v => v !== null))
        await run(ex, sql`INSERT INTO occurrence (${sql.raw(columns.map(x => `"${x.c.name}"`).join(', '))})
          SELECT * FROM unnest(${sql.join(columns.map(x => sql`${sql.param(x.values)}::${sql.raw(pgArrayType(x.c))}`), sql`, `)})`)
      }
    },
    /** Sets the treating meeting of these rows (one statement per 200 rows). */
    async setTreatingMeetings (changes: ReadonlyArray<{ id: string; meeting: { id: string; date: string; localStart: string | null } | null }>, ex: Executor = db): Promise<void> {
      for (const part of chunks(changes, 200)) {
        const values = sql.join(part.map(c => sql`(${c.id}, ${c.meeting?.id ?? null}, ${c.meeting?.date ?? null}, ${c.meeting?.localStart ?? null})`), sql`, `)
        await run(ex, sql`WITH v(id, meeting_id, meeting_date, meeting_local_start) AS (VALUES ${values})
          UPDATE occurrence SET treating_meeting_id = v.meeting_id, treating_meeting_date = v.meeting_date, treating_meeting_local_start = v.meeting_local_start
          FROM v WHERE occurrence.id = v.id`)
      }
    },
    async deleteAll (ex: Executor = db): Promise<void> {
      await ex.delete(o)
    },
    /** Drops rows outside the horizon (after a roll). */
    async deleteOutside (from: string, to: string, ex: Executor = db): Promise<void> {
      await ex.delete(o).where(or(lt(o.date, from), gt(o.date, to)))
    },

    // ── bookkeeping ────────────────────────────────────────────────────────────────────────────
    async meta (ex: Executor = db): Promise<IndexMeta | undefined> {
      return first(ex.select().from(occurrenceIndexMeta).where(eq(occurrenceIndexMeta.id, 1)))
    },
    async saveMeta (values: Omit<IndexMeta, 'id'>, ex: Executor = db): Promise<void> {
      await ex.insert(occurrenceIndexMeta).values({ id: 1, ...values }).onConflictDoUpdate({ target: occurrenceIndexMeta.id, set: values })
    },
    async hasDirty (ex: Executor = db): Promise<boolean> {
      return (await first(ex.select({ k: occurrenceIndexDirty.kind }).from(occurrenceIndexDirty).limit(1))) !== undefined
    },
    /** Everything noted since the last call, removed from the queue. */
    async takeDirty (ex: Executor = db): Promise<DirtyEntry[]> {
      // Read and removed in one statement: on PostgreSQL another transaction's entries that commit in
      // between are neither lost nor read twice. The queue allows duplicates; they are dropped here.
      const seen = new Set<string>()
      const out: DirtyEntry[] = []
      for (const d of await ex.delete(occurrenceIndexDirty).returning()) {
        const k = `${d.kind}\u0000${d.refId}\u0000${d.key}`
        if (!seen.has(k)) {
          seen.add(k)
          out.push(d)
        }
      }
      return out
    },
    async clearDirty (ex: Executor = db): Promise<void> {
      await ex.delete(occurrenceIndexDirty)
    },
    async bumpRevisions (keys: readonly string[], seq: number, ex: Executor = db): Promise<void> {
      for (const part of chunks(keys)) {
        await ex.insert(calendarRevisions).values(part.map(key => ({ key, seq }))).onConflictDoUpdate({ target: calendarRevisions.key, set: { seq } })
      }
    },
    async revisionsSince (seq: number, ex: Executor = db): Promise<Array<{ key: string; seq: number }>> {
      return ex.select().from(calendarRevisions).where(gt(calendarRevisions.seq, seq))
    },

    // ── the facts the engine reads ─────────────────────────────────────────────────────────────
    async rules (ids: readonly number[], ex: Executor = db): Promise<RuleRow[]> {
      const out: RuleRow[] = []
      for (const part of chunks(ids)) out.push(...await ex.select().from(rules).where(inArray(rules.id, part)))
      return out
    },
    /** Ids of every rule, in order, after `afterId` (a rebuild walks them in batches). */
    async ruleIdsAfter (afterId: number, limit: number, ex: Executor = db): Promise<number[]> {
      return (await ex.select({ id: rules.id }).from(rules).where(gt(rules.id, afterId)).orderBy(asc(rules.id)).limit(limit)).map(r => r.id)
    },
    async anyRule (ex: Executor = db): Promise<boolean> {
      return (await first(ex.select({ id: rules.id }).from(rules).limit(1))) !== undefined
    },
    async ruleIdsWhere (f: { municipalityIds?: readonly number[]; bodyIds?: readonly number[]; meetingsOfCollaborations?: readonly number[] }, ex: Executor = db): Promise<number[]> {
      const ids = new Set<number>()
      // A municipality's rules, and collaborations' rules on its bodies (a participant's § 27 conversion reads its K_E).
      for (const part of chunks(f.municipalityIds ?? [])) {
        const itsBodies = ex.select({ id: bodies.id }).from(bodies).where(inArray(bodies.municipalityId, part))
        for (const r of await ex.select({ id: rules.id }).from(rules).where(or(inArray(rules.municipalityId, part), inArray(rules.responsibleBodyId, itsBodies)))) ids.add(r.id)
      }
      for (const part of chunks(f.bodyIds ?? [])) {
        for (const r of await ex.select({ id: rules.id }).from(rules).where(or(inArray(rules.responsibleBodyId, part), inArray(rules.treatedByBodyId, part)))) ids.add(r.id)
      }
      for (const part of chunks(f.meetingsOfCollaborations ?? [])) {
        for (const r of await ex.select({ id: rules.id }).from(rules).where(and(inArray(rules.collaborationId, part), eq(rules.eventType, 'mote')))) ids.add(r.id)
      }
      return [...ids]
    },
    /** Live meeting rules of these bodies. */
    async meetingRules (bodyIds: readonly number[], ex: Executor = db): Promise<RuleRow[]> {
      const out: RuleRow[] = []
      for (const part of chunks(bodyIds)) {
        out.push(...await ex.select().from(rules).where(and(eq(rules.deleted, false), eq(rules.enabled, true), eq(rules.eventType, 'mote'), inArray(rules.responsibleBodyId, part))))
      }
      return out
    },
    async states (ruleIds: readonly number[], ex: Executor = db): Promise<Array<EngineState & { ruleId: number }>> {
      const out: Array<EngineState & { ruleId: number }> = []
      for (const part of chunks(ruleIds)) out.push(...await ex.select().from(occurrenceStates).where(inArray(occurrenceStates.ruleId, part)))
      return out
    },
    async constitutionDates (municipalityIds: readonly number[], ex: Executor = db): Promise<Map<number, ConstitutionDates>> {
      const out = new Map<number, Record<number, string>>()
      for (const part of chunks(municipalityIds)) {
        for (const c of await ex.select().from(constitutions).where(inArray(constitutions.municipalityId, part))) {
          const m = out.get(c.municipalityId) ?? {}
          m[c.electionYear] = c.date
          out.set(c.municipalityId, m)
        }
      }
      return out
    },
    async bodies (ids: readonly number[], ex: Executor = db): Promise<EngineBody[]> {
      const out: EngineBody[] = []
      for (const part of chunks(ids)) {
        out.push(...await ex.select({ id: bodies.id, kind: bodies.kind, municipalityId: bodies.municipalityId, collaborationId: bodies.collaborationId, deleted: bodies.deleted })
          .from(bodies).where(inArray(bodies.id, part)))
      }
      return out
    },
    /** Owners (participants and host, not deleted) of each collaboration, with their first formannskap; sorted by slug. */
    async owners (collaborationIds: readonly number[], ex: Executor = db): Promise<Map<number, EngineOwner[]>> {
      const members = new Map<number, Set<number>>(collaborationIds.map(id => [id, new Set()]))
      for (const part of chunks(collaborationIds)) {
        for (const p of await ex.select({ c: participations.collaborationId, m: participations.municipalityId }).from(participations).where(inArray(participations.collaborationId, part))) members.get(p.c)!.add(p.m)
        for (const c of await ex.select({ id: collaborations.id, host: collaborations.hostMunicipalityId }).from(collaborations).where(inArray(collaborations.id, part))) {
          if (c.host !== null) members.get(c.id)!.add(c.host)
        }
      }
      const municipalityIds = [...new Set([...members.values()].flatMap(s => [...s]))]
      const live = new Map<number, string>()
      const formannskap = new Map<number, number>()
      for (const part of chunks(municipalityIds)) {
        for (const m of await ex.select({ id: municipalities.id, slug: municipalities.slug }).from(municipalities).where(and(inArray(municipalities.id, part), eq(municipalities.deleted, false)))) live.set(m.id, m.slug)
        for (const b of await ex.select({ id: bodies.id, m: bodies.municipalityId }).from(bodies)
          .where(and(inArray(bodies.municipalityId, part), eq(bodies.kind, 'formannskap' satisfies BodyKind), eq(bodies.deleted, false))).orderBy(asc(bodies.id))) {
          if (b.m !== null && !formannskap.has(b.m)) formannskap.set(b.m, b.id)
        }
      }
      const out = new Map<number, EngineOwner[]>()
      for (const [c, ms] of members) {
        out.set(c, [...ms].filter(m => live.has(m)).map(m => ({ municipalityId: m, slug: live.get(m)!, formannskapId: formannskap.get(m) ?? null }))
          .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0)))
      }
      return out
    },
    /**
     * Tracking starts (issue 12): each municipality's own, and each collaboration's own or else the
     * earliest of its live owners' in the region (participants and host) — null when one of them has
     * none, or there is none. Owners outside the region are not tracked here, so they do not count.
     */
    async trackingFrom (municipalityIds: readonly number[], collaborationIds: readonly number[], ex: Executor = db): Promise<{ municipalities: Map<number, string | null>; collaborations: Map<number, string | null> }> {
      const out = { municipalities: new Map<number, string | null>(), collaborations: new Map<number, string | null>() }
      for (const part of chunks(municipalityIds)) {
        for (const m of await ex.select({ id: municipalities.id, t: municipalities.trackingFrom }).from(municipalities).where(inArray(municipalities.id, part))) out.municipalities.set(m.id, m.t)
      }
      for (const part of chunks(collaborationIds)) {
        const found = await rows<{ id: number; t: string | null }>(ex, sql`SELECT c.id AS id, COALESCE(c.tracking_from, (
            SELECT CASE WHEN COUNT(*) = COUNT(m.tracking_from) THEN MIN(m.tracking_from) END FROM municipality m
            WHERE m.deleted = 0 AND m.in_region = 1 AND (m.id = c.host_municipality_id OR m.id IN (SELECT p.municipality_id FROM participation p WHERE p.collaboration_id = c.id)))) AS t
          FROM collaboration c WHERE c.id IN (${sql.join(part.map(id => sql`${id}`), sql`, `)})`)
        for (const r of found) out.collaborations.set(Number(r.id), r.t)
      }
      return out
    },
    /**
     * Sets the tracking start of these subjects' rows in place (a row's is its subject's: see
     * `rowTrackingFrom`). Returns the subjects whose rows changed.
     */
    async setTrackingFrom (subjects: { municipalities: ReadonlyMap<number, string | null>; collaborations: ReadonlyMap<number, string | null> }, ex: Executor = db): Promise<{ municipalities: number[]; collaborations: number[] }> {
      // One UPDATE … FROM a VALUES list per 200 subjects; RETURNING tells which subjects had rows changed.
      const update = async (list: ReadonlyMap<number, string | null>, column: SQL, own: SQL): Promise<number[]> => {
        const changed = new Set<number>()
        for (const part of chunks([...list], 200)) {
          const values = sql.join(part.map(([id, t]) => sql`(CAST(${id} AS integer), CAST(${t} AS text))`), sql`, `)
          for (const r of await rows<{ id: number }>(ex, sql`WITH v(id, t) AS (VALUES ${values})
            UPDATE occurrence SET tracking_from = v.t FROM v
            WHERE ${column} = v.id AND ${own} AND occurrence.tracking_from IS DISTINCT FROM v.t RETURNING ${column} AS id`)) changed.add(Number(r.id))
        }
        return [...list.keys()].filter(id => changed.has(id))
      }
      return {
        municipalities: await update(subjects.municipalities, sql`occurrence.municipality_id`, sql`occurrence.collaboration_id IS NULL`),
        collaborations: await update(subjects.collaborations, sql`occurrence.collaboration_id`, sql`1 = 1`),
      }
    },
    async liveMunicipalityIds (ex: Executor = db): Promise<number[]> {
      return (await ex.select({ id: municipalities.id }).from(municipalities).where(eq(municipalities.deleted, false))).map(m => m.id)
    },
    /** The collaborations a municipality takes part in or hosts. */
    async involvedCollaborationIds (municipalityId: number, ex: Executor = db): Promise<Set<number>> {
      const ids = new Set((await ex.select({ id: participations.collaborationId }).from(participations).where(eq(participations.municipalityId, municipalityId))).map(p => p.id))
      for (const c of await ex.select({ id: collaborations.id }).from(collaborations).where(eq(collaborations.hostMunicipalityId, municipalityId))) ids.add(c.id)
      return ids
    },
  }
  return repo
}
export type OccurrenceIndexRepository = ReturnType<typeof createOccurrenceIndexRepository>
