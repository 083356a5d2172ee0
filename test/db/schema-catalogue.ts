// The schema comparison (issue 16): each migrated database's catalogue, read from the database itself
// (SQLite: sqlite_master and the pragmas; PostgreSQL: information_schema and pg_catalog), normalised to one
// shape, and the differences between two such catalogues as readable lines. Used by
// test/db/schema-compare.pg.test.ts (the two migrated databases) and test/db/schema-compare.test.ts (the
// comparison itself, on doctored catalogues).
import type pg from 'pg'
import type { Sqlite } from '../../src/db/client.js'

export interface ColumnShape {
  name: string
  /** SQLite's declared type, upper case; PostgreSQL's mapped back by src/db/schema-pg.ts's rule (bigint/smallint → INTEGER, text → TEXT, double precision → REAL). */
  type: string
  notNull: boolean
  hasDefault: boolean
  /** 1-based position in the primary key; 0 when not in it. */
  pk: number
}

export interface IndexShape {
  /** Key columns in order (an expression shows as `<expr>`). */
  columns: string[]
  unique: boolean
  partial: boolean
}

export interface TableShape {
  /** In the table's column order. */
  columns: ColumnShape[]
  /** By name; primary keys' own indexes are left out (the columns' `pk` says it). */
  indexes: Record<string, IndexShape>
  /** `a, b → t(c, d) ON DELETE cascade`, sorted. */
  foreignKeys: string[]
  /** CHECK constraints' names, sorted. */
  checks: string[]
  /** Which row events fire a trigger (`INSERT`, `UPDATE`, `DELETE`), sorted: the occurrence index's dirty notes. */
  triggers: string[]
}

export type Catalogue = Record<string, TableShape>

const AUTOINDEX = /^sqlite_autoindex_/

/** PostgreSQL's type name under the mapping of src/db/schema-pg.ts; anything else stays as PostgreSQL names it (and differs). */
export function pgTypeAsSqlite (pgType: string): string {
  const mapped: Record<string, string> = { bigint: 'INTEGER', smallint: 'INTEGER', text: 'TEXT', 'double precision': 'REAL' }
  return mapped[pgType] ?? pgType
}

const onDelete = (action: string) => action.toLowerCase()
const fkLine = (from: string[], table: string, to: string[], action: string) => `${from.join(', ')} → ${table}(${to.join(', ')}) ON DELETE ${onDelete(action)}`

/** The catalogue of a migrated SQLite database (drizzle's own table left out). */
export function sqliteCatalogue (sqlite: Sqlite): Catalogue {
  const out: Catalogue = {}
  const tables = sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY name").all() as Array<{ name: string; sql: string }>
  for (const { name, sql } of tables) {
    const q = (pragma: string, arg: string) => sqlite.pragma(`${pragma}("${arg.replaceAll('"', '""')}")`) as Array<Record<string, any>>
    const columns = q('table_info', name).map(c => ({
      name: c.name as string,
      type: String(c.type).toUpperCase(),
      notNull: c.notnull === 1,
      hasDefault: c.dflt_value !== null,
      pk: c.pk as number,
    }))
    const indexes: Record<string, IndexShape> = {}
    for (const i of q('index_list', name)) {
      if (i.origin === 'pk') continue
      indexes[i.name] = {
        columns: q('index_xinfo', i.name).filter(x => x.key === 1).map(x => x.name ?? '<expr>'),
        unique: i.unique === 1,
        partial: i.partial === 1,
      }
    }
    const byId = new Map<number, Array<Record<string, any>>>()
    for (const fk of q('foreign_key_list', name)) byId.set(fk.id, [...byId.get(fk.id) ?? [], fk])
    const foreignKeys = [...byId.values()].map(parts => {
      parts.sort((a, b) => a.seq - b.seq)
      return fkLine(parts.map(p => p.from), parts[0]!.table, parts.map(p => p.to ?? '<pk>'), parts[0]!.on_delete)
    }).sort()
    const checks = [...sql.matchAll(/CONSTRAINT\s+[`"[]?(\w+)[`"\]]?\s+CHECK\b/gi)].map(m => m[1]!)
    const unnamed = [...sql.matchAll(/\bCHECK\s*\(/gi)].length - checks.length
    for (let k = 0; k < unnamed; k++) checks.push('<unnamed>')
    out[name] = { columns, indexes, foreignKeys, checks: checks.sort(), triggers: [] }
  }
  const triggers = sqlite.prepare("SELECT tbl_name AS t, sql FROM sqlite_master WHERE type = 'trigger'").all() as Array<{ t: string; sql: string }>
  for (const { t, sql } of triggers) {
    const event = /\b(INSERT|UPDATE|DELETE)\b/i.exec(sql)?.[1]?.toUpperCase()
    const table = out[t]
    if (event && table && !table.triggers.includes(event)) table.triggers.push(event)
  }
  for (const t of Object.values(out)) t.triggers.sort()
  return out
}

/** The catalogue of a migrated PostgreSQL database: the `public` schema (drizzle keeps its own table in `drizzle`). */
export async function pgCatalogue (client: pg.Pool | pg.Client): Promise<Catalogue> {
  const all = async <T>(text: string) => (await client.query(text)).rows as T[]
  const out: Catalogue = {}
  const tables = await all<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1")
  for (const { name } of tables) out[name] = { columns: [], indexes: {}, foreignKeys: [], checks: [], triggers: [] }
  const table = (name: string) => out[name] ?? (out[name] = { columns: [], indexes: {}, foreignKeys: [], checks: [], triggers: [] })

  const pkPositions = await all<{ t: string; c: string; n: number }>(`
    SELECT t.relname AS t, a.attname AS c, k.n::int AS n
    FROM pg_index i
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = 'public'
    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
    WHERE i.indisprimary`)
  const pkOf = new Map(pkPositions.map(p => [`${p.t}.${p.c}`, p.n]))
  const columns = await all<{ t: string; c: string; type: string; nullable: string; dflt: string | null; identity: string }>(`
    SELECT table_name AS t, column_name AS c, data_type AS type, is_nullable AS nullable, column_default AS dflt, is_identity AS identity
    FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`)
  for (const c of columns) {
    if (!out[c.t]) continue // a view
    out[c.t]!.columns.push({ name: c.c, type: pgTypeAsSqlite(c.type), notNull: c.nullable === 'NO', hasDefault: c.dflt !== null, pk: pkOf.get(`${c.t}.${c.c}`) ?? 0 })
  }

  const indexes = await all<{ t: string; name: string; unique: boolean; partial: boolean; columns: string[] }>(`
    SELECT t.relname AS t, x.relname AS name, i.indisunique AS unique, i.indpred IS NOT NULL AS partial,
      array(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k) AS columns
    FROM pg_index i
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_class x ON x.oid = i.indexrelid
    JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = 'public'
    WHERE NOT i.indisprimary`)
  for (const i of indexes) {
    // pg_get_indexdef names a plain column (quoted when it must be); anything else is an expression.
    const columns = i.columns.map(c => /^"?[a-z_][a-z0-9_]*"?$/.test(c) ? c.replaceAll('"', '') : '<expr>')
    table(i.t).indexes[i.name] = { columns, unique: i.unique, partial: i.partial }
  }

  const fks = await all<{ t: string; from: string[]; ref: string; to: string[]; del: string }>(`
    SELECT t.relname AS t, r.relname AS ref, c.confdeltype AS del,
      array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n) AS "from",
      array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n) AS "to"
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_class r ON r.oid = c.confrelid
    JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = 'public'
    WHERE c.contype = 'f'`)
  const action: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' }
  for (const fk of fks) table(fk.t).foreignKeys.push(fkLine(fk.from, fk.ref, fk.to, action[fk.del] ?? fk.del))

  const checks = await all<{ t: string; name: string }>(`
    SELECT t.relname AS t, c.conname AS name FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = 'public'
    WHERE c.contype = 'c'`)
  for (const ch of checks) table(ch.t).checks.push(ch.name)

  const triggers = await all<{ t: string; event: string }>(`
    SELECT DISTINCT event_object_table AS t, event_manipulation AS event
    FROM information_schema.triggers WHERE trigger_schema = 'public'`)
  for (const tr of triggers) table(tr.t).triggers.push(tr.event)

  for (const t of Object.values(out)) {
    t.foreignKeys.sort()
    t.checks.sort()
    t.triggers.sort()
  }
  return out
}

const columnText = (c: ColumnShape) => `${c.name} ${c.type}${c.notNull ? ' NOT NULL' : ''}${c.hasDefault ? ' DEFAULT …' : ''}${c.pk ? ` PK#${c.pk}` : ''}`
const indexText = (i: IndexShape) => `${i.unique ? 'UNIQUE ' : ''}(${i.columns.join(', ')})${i.partial ? ' WHERE …' : ''}`

/**
 * What differs between SQLite's and PostgreSQL's catalogues, one readable line each ([] when they agree).
 * Columns are compared by name, not position: a column SQLite added later (ALTER TABLE) sits at the end of its
 * table there and where schema*.ts declares it on PostgreSQL, and every query and db:copy name their columns.
 * SQLite's automatic indexes (`sqlite_autoindex_t_N`, of an inline UNIQUE) have no name of their own:
 * each is matched to PostgreSQL's unique index on the same columns in the same table.
 */
export function compareCatalogues (sqlite: Catalogue, pg: Catalogue): string[] {
  const diff: string[] = []
  const sets = (a: string[], b: string[]) => ({ onlyA: a.filter(x => !b.includes(x)), onlyB: b.filter(x => !a.includes(x)) })
  const names = sets(Object.keys(sqlite), Object.keys(pg))
  for (const t of names.onlyA) diff.push(`table ${t}: only in SQLite`)
  for (const t of names.onlyB) diff.push(`table ${t}: only in PostgreSQL`)
  for (const name of Object.keys(sqlite).filter(t => pg[t]).sort()) {
    const s = sqlite[name]!
    const p = pg[name]!
    const cols = sets(s.columns.map(c => c.name), p.columns.map(c => c.name))
    for (const c of cols.onlyA) diff.push(`table ${name}: column ${columnText(s.columns.find(x => x.name === c)!)}: only in SQLite`)
    for (const c of cols.onlyB) diff.push(`table ${name}: column ${columnText(p.columns.find(x => x.name === c)!)}: only in PostgreSQL`)
    for (const a of s.columns) {
      const b = p.columns.find(x => x.name === a.name)
      if (b && columnText(a) !== columnText(b)) diff.push(`table ${name}: column ${a.name}: SQLite ${columnText(a)} | PostgreSQL ${columnText(b)}`)
    }

    const pgIndexes = { ...p.indexes }
    const sqliteIndexes: Record<string, IndexShape> = {}
    for (const [iname, i] of Object.entries(s.indexes)) {
      if (AUTOINDEX.test(iname)) {
        const twin = Object.entries(pgIndexes).find(([pname, pi]) => !s.indexes[pname] && pi.unique && pi.columns.join() === i.columns.join())
        sqliteIndexes[twin?.[0] ?? iname] = i
      } else {
        sqliteIndexes[iname] = i
      }
    }
    const idx = sets(Object.keys(sqliteIndexes), Object.keys(pgIndexes))
    for (const i of idx.onlyA.sort()) diff.push(`table ${name}: index ${i} ${indexText(sqliteIndexes[i]!)}: only in SQLite`)
    for (const i of idx.onlyB.sort()) diff.push(`table ${name}: index ${i} ${indexText(pgIndexes[i]!)}: only in PostgreSQL`)
    for (const i of Object.keys(sqliteIndexes).filter(i => pgIndexes[i]).sort()) {
      const at = indexText(sqliteIndexes[i]!)
      const bt = indexText(pgIndexes[i]!)
      if (at !== bt) diff.push(`table ${name}: index ${i}: SQLite ${at} | PostgreSQL ${bt}`)
    }

    for (const [what, a, b] of [['foreign key', s.foreignKeys, p.foreignKeys], ['check', s.checks, p.checks], ['triggers on', s.triggers, p.triggers]] as const) {
      const d = sets([...a], [...b])
      for (const x of d.onlyA) diff.push(`table ${name}: ${what} ${x}: only in SQLite`)
      for (const x of d.onlyB) diff.push(`table ${name}: ${what} ${x}: only in PostgreSQL`)
    }
  }
  return diff
}
