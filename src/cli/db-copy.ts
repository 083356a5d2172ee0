// npm run db:copy -- [--from <sqlite-file>] [--to postgres://…] (issue 16): moves an existing SQLite
// database into an empty PostgreSQL database, for a municipality that outgrows the embedded one.
// Migrates the target, refuses a target with any rows, copies every table in foreign-key order in
// batches inside ONE transaction (nothing is written unless everything is), sets each identity sequence
// past the highest id SQLite has handed out, checks every table's row count, then commits, runs
// VACUUM (ANALYZE) and prints a line per table. The source must be on this version's migrations (start the server on it once).
// The occurrence index (occurrence, its dirty notes and meta) is copied as it is, with the target's
// triggers switched off during the copy, so the copy needs no rebuild and the triggers add no notes.
import fs from 'node:fs'
import Database from 'better-sqlite3'
import type pg from 'pg'
import { fail, readArgs } from './args.js'
import { DatabaseOpenError, openDatabase, sqliteOpenProblem, type SqliteHandle } from '../db/client.js'
import { pendingMigrationCount } from '../db/migrate.js'
import { migratePostgres, openPostgres, postgresOpenProblem, type PgHandle } from '../db/pg.js'
import { DEFAULT_DATABASE_PATH } from '../config.js'

const USAGE = 'Bruk: npm run db:copy -- [--from <sqlite-fil>] [--to postgres://bruker:passord@vert:port/database]\n' +
  '  Kopierer SQLite-databasen (--from, ellers DATABASE_PATH) inn i en tom PostgreSQL-database (--to, ellers DATABASE_URL).'

/** A refusal or failure the operator can act on: one line on stderr, exit code 1. */
class CopyError extends Error {}

/** Identifiers come from SQLite's own catalogue; quoted all the same. */
const q = (name: string) => `"${name.replaceAll('"', '""')}"`

// PostgreSQL takes at most 65,535 parameters in one statement.
const MAX_PARAMS = 60_000
const MAX_BATCH = 1000

interface SourceTable {
  name: string
  columns: string[]
  /** Columns that refer to the table itself (collaboration.parent_id): copied as NULL, then set once every row is in. */
  selfRefs: string[]
  /** The primary key's columns, to set the self-references by. */
  pk: string[]
  /** Tables it refers to. */
  parents: string[]
}

function sourceTables (sqlite: Database.Database): SourceTable[] {
  const names = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY name").all() as Array<{ name: string }>).map(t => t.name)
  return names.map(name => {
    const info = sqlite.pragma(`table_info(${q(name)})`) as Array<{ name: string; pk: number }>
    const fks = sqlite.pragma(`foreign_key_list(${q(name)})`) as Array<{ table: string; from: string }>
    return {
      name,
      columns: info.map(c => c.name),
      pk: info.filter(c => c.pk > 0).sort((a, b) => a.pk - b.pk).map(c => c.name),
      selfRefs: fks.filter(f => f.table === name).map(f => f.from),
      parents: [...new Set(fks.filter(f => f.table !== name).map(f => f.table))],
    }
  })
}

/** Parents before children (a cycle between tables would have no such order: refused). */
function foreignKeyOrder (tables: SourceTable[]): SourceTable[] {
  const byName = new Map(tables.map(t => [t.name, t]))
  const done = new Set<string>()
  const visiting = new Set<string>()
  const out: SourceTable[] = []
  const visit = (t: SourceTable) => {
    if (done.has(t.name)) return
    if (visiting.has(t.name)) throw new CopyError(`Tabellene ${[...visiting].join(', ')} refererer til hverandre i ring; db:copy kan ikke velge en rekkefølge`)
    visiting.add(t.name)
    for (const p of t.parents) if (byName.has(p)) visit(byName.get(p)!)
    visiting.delete(t.name)
    done.add(t.name)
    out.push(t)
  }
  for (const t of tables) visit(t)
  return out
}

function openSource (file: string): SqliteHandle {
  if (file !== ':memory:' && !fs.existsSync(file)) throw new DatabaseOpenError(file, 'filen finnes ikke')
  const source = openDatabase(file, { createDirectory: false })
  const pending = pendingMigrationCount(source.sqlite)
  if (pending > 0) {
    source.sqlite.close()
    throw new CopyError(`Kildedatabasen ${file} mangler ${pending} migrering${pending === 1 ? '' : 'er'}; start serveren (npm start) på den én gang med denne versjonen, og kopier så`)
  }
  return source
}

async function openTarget (url: string): Promise<PgHandle> {
  const target = openPostgres(url, { max: 1 })
  try {
    await migratePostgres(target)
  } catch (err) {
    await target.close()
    const problem = postgresOpenProblem(err)
    throw problem ? new DatabaseOpenError(target.label, problem, { cause: err }) : err
  }
  return target
}

/** The row counts copied, by table, in copying order. */
async function copyDatabase (source: Database.Database, client: pg.PoolClient, label: string): Promise<Array<{ table: string; rows: number; ms: number }>> {
  const tables = foreignKeyOrder(sourceTables(source))
  /** The target's tables → column → type. */
  const targetTables = new Map<string, Map<string, string>>()
  for (const r of (await client.query("SELECT table_name AS t, column_name AS c, data_type AS type FROM information_schema.columns WHERE table_schema = 'public'")).rows as Array<{ t: string; c: string; type: string }>) {
    targetTables.set(r.t, (targetTables.get(r.t) ?? new Map()).set(r.c, r.type))
  }
  for (const t of tables) {
    const have = targetTables.get(t.name)
    if (!have) throw new CopyError(`Måldatabasen ${label} har ikke tabellen ${t.name} (er den migrert med en annen versjon?)`)
    const missing = t.columns.filter(c => !have.has(c))
    if (missing.length) throw new CopyError(`Tabellen ${t.name} i måldatabasen ${label} mangler kolonnene ${missing.join(', ')}`)
  }
  const filled = []
  for (const t of targetTables.keys()) {
    if ((await client.query(`SELECT EXISTS (SELECT 1 FROM ${q(t)}) AS e`)).rows[0].e) filled.push(t)
  }
  if (filled.length) throw new CopyError(`Måldatabasen ${label} er ikke tom (rader i ${filled.sort().join(', ')}); db:copy kopierer bare inn i en tom database`)

  // A consistent snapshot of the source, even with a server writing to it meanwhile (WAL: readers see one commit).
  source.prepare('BEGIN').run()
  const report: Array<{ table: string; rows: number; ms: number }> = []
  await client.query('BEGIN')
  try {
    // The occurrence index's triggers would note every copied row dirty; the index is copied as it is.
    for (const t of tables) await client.query(`ALTER TABLE ${q(t.name)} DISABLE TRIGGER USER`)
    for (const t of tables) {
      report.push(await copyTable(source, client, t, targetTables.get(t.name)!).catch((err: unknown) => {
        const e = err as { code?: unknown; message: string; detail?: string }
        if (typeof e.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)) throw err
        // PostgreSQL refused a row: a value SQLite let through that PostgreSQL's types or checks do not.
        throw new CopyError(`Kopieringen stoppet i tabellen ${t.name}, og ingenting er skrevet: ${e.message}${e.detail ? ` (${e.detail})` : ''}`)
      }))
    }
    for (const t of tables) await client.query(`ALTER TABLE ${q(t.name)} ENABLE TRIGGER USER`)
    await resetSequences(source, client, tables)
    await client.query('COMMIT')
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    source.prepare('ROLLBACK').run()
  }
  return report
}

/** One table in batches; rows with a self-reference get it once every row of the table is in. */
async function copyTable (source: Database.Database, client: pg.PoolClient, t: SourceTable, types: Map<string, string>): Promise<{ table: string; rows: number; ms: number }> {
  const t0 = performance.now()
  const rows = source.prepare(`SELECT ${t.columns.map(q).join(', ')} FROM ${q(t.name)}`).raw(true).safeIntegers(true)
  const batch = Math.max(1, Math.min(MAX_BATCH, Math.floor(MAX_PARAMS / t.columns.length)))
  const selfAt = t.selfRefs.map(c => t.columns.indexOf(c))
  const pkAt = t.pk.map(c => t.columns.indexOf(c))
  const later: unknown[][] = [] // [pk…, self-ref…] of rows with a self-reference
  let pending: unknown[][] = []
  let copied = 0
  const flush = async () => {
    if (!pending.length) return
    const width = t.columns.length
    const values = pending.map((_, r) => `(${t.columns.map((__, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ')
    await client.query(`INSERT INTO ${q(t.name)} (${t.columns.map(q).join(', ')}) VALUES ${values}`, pending.flat())
    copied += pending.length
    pending = []
  }
  for (const row of rows.iterate() as Iterable<unknown[]>) {
    if (selfAt.some(i => row[i] !== null)) {
      later.push([...pkAt.map(i => row[i]), ...selfAt.map(i => row[i])])
      for (const i of selfAt) row[i] = null
    }
    pending.push(row)
    if (pending.length >= batch) await flush()
  }
  await flush()
  if (later.length) {
    const keys = [...t.pk, ...t.selfRefs]
    const per = Math.floor(MAX_PARAMS / keys.length)
    for (let i = 0; i < later.length; i += per) {
      const chunk = later.slice(i, i + per)
      // Parameters go in as text and are cast to the target column's type.
      const values = chunk.map((_, r) => `(${keys.map((__, c) => `$${r * keys.length + c + 1}::text`).join(', ')})`).join(', ')
      const cast = (c: string) => `v.${q(c)}::${types.get(c)}`
      await client.query(`UPDATE ${q(t.name)} AS t SET ${t.selfRefs.map(c => `${q(c)} = ${cast(c)}`).join(', ')} ` +
        `FROM (VALUES ${values}) AS v (${keys.map(q).join(', ')}) WHERE ${t.pk.map(c => `t.${q(c)} = ${cast(c)}`).join(' AND ')}`,
      chunk.flat().map(v => v === null ? null : String(v)))
    }
  }
  const expected = Number((source.prepare(`SELECT count(*) AS n FROM ${q(t.name)}`).get() as { n: number }).n)
  const counted = Number((await client.query(`SELECT count(*) AS n FROM ${q(t.name)}`)).rows[0].n)
  if (copied !== expected || counted !== expected) {
    throw new CopyError(`Tabellen ${t.name}: ${expected} rader i kilden, men ${counted} i måldatabasen etter kopieringen; ingenting er skrevet`)
  }
  return { table: t.name, rows: counted, ms: performance.now() - t0 }
}

/**
 * Each identity column's sequence continues after the highest id SQLite has handed out: AUTOINCREMENT
 * never reuses the id of a deleted row (sqlite_sequence remembers it), and neither does the copy.
 */
async function resetSequences (source: Database.Database, client: pg.PoolClient, tables: SourceTable[]): Promise<void> {
  const hasSequenceTable = source.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get() !== undefined
  const handedOut = new Map(hasSequenceTable
    ? (source.prepare('SELECT name, seq FROM sqlite_sequence').all() as Array<{ name: string; seq: number }>).map(r => [r.name, Number(r.seq)])
    : [])
  const identities = (await client.query(`
    SELECT table_name AS t, column_name AS c, pg_get_serial_sequence(quote_ident(table_name), column_name) AS seq
    FROM information_schema.columns WHERE table_schema = 'public' AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`)).rows as Array<{ t: string; c: string; seq: string | null }>
  const copied = new Set(tables.map(t => t.name))
  for (const { t, c, seq } of identities) {
    if (!seq || !copied.has(t)) continue
    const max = Number((await client.query(`SELECT coalesce(max(${q(c)}), 0) AS m FROM ${q(t)}`)).rows[0].m)
    const last = Math.max(max, handedOut.get(t) ?? 0)
    // setval(seq, n, true): the next id is n + 1; setval(seq, 1, false): the next is 1 (nothing handed out yet).
    await client.query('SELECT setval($1, $2, $3)', [seq, Math.max(last, 1), last > 0])
  }
}

const { values, positionals } = readArgs({ from: { type: 'string' }, to: { type: 'string' } }, USAGE)
if (positionals.length) fail(`Uventet argument: ${positionals.join(' ')}\n${USAGE}`)
const from = values.from ?? process.env.DATABASE_PATH ?? DEFAULT_DATABASE_PATH
const to = values.to ?? process.env.DATABASE_URL
if (!to) fail(`Oppgi måldatabasen med --to postgres://… eller DATABASE_URL.\n${USAGE}`)
if (!/^postgres(ql)?:\/\//.test(to)) fail(`Måldatabasen må være en PostgreSQL-URL (postgres://…), ikke «${to}».\n${USAGE}`)

let source: SqliteHandle | undefined
let target: PgHandle | undefined
try {
  source = openSource(from)
  target = await openTarget(to)
  const client = await target.pool.connect()
  try {
    const t0 = performance.now()
    const report = await copyDatabase(source.sqlite, client, target.label)
    // A bulk load leaves no planner statistics and no visibility map (index-only scans) until autovacuum
    // comes by; the server started next on this database should not wait for it.
    await client.query('VACUUM (ANALYZE)')
    const width = Math.max(...report.map(r => r.table.length))
    for (const r of report) process.stdout.write(`${r.table.padEnd(width)}  ${String(r.rows).padStart(9)} rader  ${(r.ms / 1000).toFixed(1)} s\n`)
    const total = report.reduce((n, r) => n + r.rows, 0)
    process.stdout.write(`Kopierte ${total} rader i ${report.length} tabeller fra ${from} til ${target.label} på ${((performance.now() - t0) / 1000).toFixed(1)} s.\n`)
  } finally {
    client.release()
  }
} catch (err) {
  const line = (message: string) => {
    process.stderr.write(`${message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`)
    process.exitCode = 1
  }
  if (err instanceof CopyError || err instanceof DatabaseOpenError) line(err.message)
  else if (sqliteOpenProblem(err)) line(new DatabaseOpenError(from, sqliteOpenProblem(err)!).message)
  else if (postgresOpenProblem(err)) line(new DatabaseOpenError(target?.label ?? to, postgresOpenProblem(err)!).message)
  else if (typeof (err as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((err as { code: string }).code)) {
    // PostgreSQL refused a row (a value SQLite let through that PostgreSQL's types or checks do not).
    line(`Kopieringen feilet, ingenting er skrevet: ${(err as Error).message}${(err as { detail?: string }).detail ? ` (${(err as { detail: string }).detail})` : ''}`)
  } else {
    throw err
  }
} finally {
  await source?.close()
  await target?.close()
}
