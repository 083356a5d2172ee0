import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import rrule from 'rrule'
import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'
import type { BodyKind } from '../domain/vocabulary.js'
import {
  EventType, Moteplan, Package,
  type PackageEntry,
} from './schema.js'

const { RRule } = rrule

export const defaultTemplatesDir = fileURLToPath(new URL('../../templates', import.meta.url))

export interface Catalogue {
  eventTypes: Map<string, EventType>
  packages: Map<string, Package>
  moteplaner: Map<BodyKind, Moteplan>
}

/** A broken catalogue file. `file` is relative to the templates directory's parent; `pointer` is a JSON pointer ('' for the whole file). */
export class CatalogueError extends Error {
  readonly code = 'catalogue.invalid'
  constructor (readonly file: string, readonly pointer: string, readonly problem: string) {
    super(pointer === '' ? `${file}: ${problem}` : `${file}: ${pointer}: ${problem}`)
    this.name = 'CatalogueError'
  }
}

const MUNICIPAL_BODY_KINDS: readonly BodyKind[] = ['kommunestyre', 'formannskap', 'kontrollutvalg', 'kommunedirektor']

export function loadCatalogue (dir: string): Catalogue {
  const root = path.resolve(dir)
  const label = path.basename(root)
  const eventTypes = new Map<string, EventType>()
  const packages = new Map<string, Package>()
  const moteplaner = new Map<BodyKind, Moteplan>()

  for (const { rel, data } of readJsonFiles(root, label, 'event-types')) {
    const eventType = validate<EventType>(EventType, data, rel)
    checkEventType(eventType, rel)
    eventTypes.set(eventType.key, eventType)
  }
  for (const { rel, data } of readJsonFiles(root, label, 'moteplaner')) {
    const moteplan = validate<Moteplan>(Moteplan, data, rel)
    checkMoteplan(moteplan, rel)
    moteplaner.set(moteplan.bodyKind, moteplan)
  }
  for (const { rel, data } of readJsonFiles(root, label, 'packages')) {
    const pkg = validate<Package>(Package, data, rel)
    checkPackage(pkg, rel, eventTypes, moteplaner)
    packages.set(pkg.key, pkg)
  }
  return { eventTypes, packages, moteplaner }
}

// ---------------------------------------------------------------- files

function readJsonFiles (root: string, label: string, sub: string): { rel: string, data: unknown }[] {
  const dir = path.join(root, sub)
  if (!existsSync(dir)) throw new CatalogueError(`${label}/${sub}`, '', 'missing directory')
  return readdirSync(dir)
    .filter(name => name.endsWith('.json'))
    .sort()
    .map(name => {
      const rel = `${label}/${sub}/${name}`
      const text = readFileSync(path.join(dir, name), 'utf8')
      try {
        return { rel, data: JSON.parse(text) as unknown }
      } catch (err) {
        throw new CatalogueError(rel, '', `invalid JSON: ${(err as Error).message}`)
      }
    })
}

function fileKey (rel: string): string {
  return path.posix.basename(rel, '.json')
}

// ---------------------------------------------------------------- schema errors

interface Problem { pointer: string, problem: string }
type JsonSchema = Record<string, unknown>

class SchemaProblem extends Error {
  constructor (readonly problem: Problem) { super(problem.problem) }
}

function validate<T> (schema: TSchema, data: unknown, rel: string): T {
  const problem = firstProblem(schema, data)
  if (problem) throw new CatalogueError(rel, problem.pointer, problem.problem)
  return data as T
}

// TypeBox reports every failed union variant (and buffers only a few errors), so unions are resolved
// against the value first: the remaining errors then belong to the variant the author meant.
function firstProblem (schema: TSchema, value: unknown): Problem | undefined {
  if (Value.Check(schema, value)) return undefined
  let narrowed: JsonSchema
  try {
    narrowed = narrow(schema as JsonSchema, value, '')
  } catch (err) {
    if (err instanceof SchemaProblem) return err.problem
    throw err
  }
  const errors = Value.Errors(narrowed as TSchema, value)
  for (const error of errors) {
    const at = error.instancePath
    switch (error.keyword) {
      case 'boolean':
        continue
      case 'additionalProperties': {
        const [name] = error.params.additionalProperties
        if (name !== undefined) return { pointer: `${at}/${escapePointer(name)}`, problem: 'unknown field' }
        continue
      }
      case 'required': {
        const [name] = error.params.requiredProperties
        if (name !== undefined) return { pointer: `${at}/${escapePointer(name)}`, problem: 'missing required field' }
        continue
      }
      case 'enum':
        return { pointer: at, problem: `must be one of ${listValues(error.params.allowedValues)}, got ${JSON.stringify(valueAt(value, at))}` }
      default:
        return { pointer: at, problem: error.message }
    }
  }
  const [first] = errors
  return { pointer: first?.instancePath ?? '', problem: first?.message ?? 'does not match the schema' }
}

function narrow (schema: JsonSchema, value: unknown, at: string): JsonSchema {
  if (Array.isArray(schema.anyOf)) return narrow(chooseVariant(schema.anyOf as JsonSchema[], value, at), value, at)
  if (isPlainObject(schema.properties) && isPlainObject(value)) {
    const properties: Record<string, unknown> = {}
    for (const [name, property] of Object.entries(schema.properties)) {
      properties[name] = name in value && isPlainObject(property)
        ? narrow(property, value[name], `${at}/${escapePointer(name)}`)
        : property
    }
    return { ...schema, properties }
  }
  if (isPlainObject(schema.items) && Array.isArray(value)) {
    const items = schema.items
    value.forEach((item, i) => narrow(items, item, `${at}/${i}`))
  }
  return schema
}

function chooseVariant (variants: JsonSchema[], value: unknown, at: string): JsonSchema {
  const fail = (problem: string): never => { throw new SchemaProblem({ pointer: at, problem }) }
  const allowed = scalarAlternatives(variants)
  if (allowed) {
    if (!allowed.includes(value as never)) fail(`must be one of ${listValues(allowed)}, got ${JSON.stringify(value)}`)
    return { enum: allowed }
  }
  const discriminator = discriminatorOf(variants)
  if (discriminator !== undefined) {
    if (!isPlainObject(value)) return fail('must be an object')
    const tag = value[discriminator]
    const match = variants.find(v => propertySchema(v, discriminator)?.const === tag)
    if (match) return match
    const tags = variants.map(v => propertySchema(v, discriminator)?.const)
    throw new SchemaProblem({
      pointer: `${at}/${escapePointer(discriminator)}`,
      problem: tag === undefined ? 'missing required field' : `must be one of ${listValues(tags)}, got ${JSON.stringify(tag)}`,
    })
  }
  const scored = variants
    .map(v => ({ v, score: Value.Check(v as TSchema, value) ? 0 : 1 + Value.Errors(v as TSchema, value).length }))
    .sort((a, b) => a.score - b.score)
  return scored[0]?.v ?? fail('does not match any allowed shape')
}

function scalarAlternatives (variants: JsonSchema[]): unknown[] | undefined {
  const values: unknown[] = []
  for (const v of variants) {
    if ('const' in v) values.push(v.const)
    else if (Array.isArray(v.enum)) values.push(...v.enum)
    else if (v.type === 'null') values.push(null)
    else return undefined
  }
  return values
}

function discriminatorOf (variants: JsonSchema[]): string | undefined {
  const first = variants[0]
  if (!first || !isPlainObject(first.properties)) return undefined
  return Object.keys(first.properties).find(name =>
    variants.every(v => propertySchema(v, name)?.const !== undefined))
}

function propertySchema (schema: JsonSchema, name: string): JsonSchema | undefined {
  const properties = schema.properties
  return isPlainObject(properties) && isPlainObject(properties[name]) ? properties[name] : undefined
}

function valueAt (value: unknown, pointer: string): unknown {
  let node = value
  for (const segment of pointer.split('/').slice(1)) {
    node = isPlainObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[unescapePointer(segment)] : undefined
  }
  return node
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function escapePointer (segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1')
}

function unescapePointer (segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~')
}

function listValues (values: unknown[]): string {
  return values.map(v => JSON.stringify(v)).join(', ')
}

// ---------------------------------------------------------------- cross-checks

function checkEventType (eventType: EventType, rel: string): void {
  const fail = (pointer: string, problem: string): never => { throw new CatalogueError(rel, pointer, problem) }

  if (eventType.key !== fileKey(rel)) fail('/key', `key "${eventType.key}" does not match the file name "${path.posix.basename(rel)}"`)
  if ((eventType.basis === 'law' || eventType.basis === 'law_original_text') && eventType.legalBasis.length === 0) {
    fail('/legalBasis', `basis "${eventType.basis}" needs at least one legal reference`)
  }
  checkBodyKindList(eventType.calendarBodyKinds, '/calendarBodyKinds', fail)
  if (!eventType.calendarBodyKinds.includes(eventType.responsibleBodyKind)) {
    fail('/calendarBodyKinds', `must include the responsible body kind "${eventType.responsibleBodyKind}"`)
  }
  checkReminderOffsets(eventType.reminderOffsetsDays, '/reminderOffsetsDays', fail)

  const { schedule, timing } = eventType
  switch (schedule.type) {
    case 'rrule': {
      const start = parseDtstart(schedule.dtstart)
      if (typeof start === 'string') return fail('/schedule/dtstart', start)
      if (start.allDay !== timing.allDay) {
        fail('/timing/allDay', start.allDay
          ? 'must be true when DTSTART is a date (VALUE=DATE)'
          : 'must be false when DTSTART has a time (TZID=Europe/Oslo)')
      }
      checkRule(schedule.rrule, start, '/schedule', fail)
      break
    }
    case 'once':
      if (!isCalendarDate(schedule.date.replace(/-/g, ''))) fail('/schedule/date', `invalid date "${schedule.date}"`)
      if (!timing.allDay) fail('/timing/allDay', 'must be true for a one-off deadline')
      break
    case 'valgperiode':
      if (!timing.allDay) fail('/timing/allDay', 'must be true for a valgperiode deadline')
      break
    case 'moteplan':
      if (timing.allDay) fail('/timing/allDay', 'must be false for meetings that follow a møteplan')
      break
    case 'manual':
      break
  }
}

function checkMoteplan (moteplan: Moteplan, rel: string): void {
  const fail = (pointer: string, problem: string): never => { throw new CatalogueError(rel, pointer, problem) }
  if (moteplan.bodyKind !== fileKey(rel)) {
    fail('/bodyKind', `body kind "${moteplan.bodyKind}" does not match the file name "${path.posix.basename(rel)}"`)
  }
  const start = parseDtstart(moteplan.dtstart)
  if (typeof start === 'string') return fail('/dtstart', start)
  checkRule(moteplan.rrule, start, '', fail)
}

function checkPackage (
  pkg: Package, rel: string,
  eventTypes: ReadonlyMap<string, EventType>,
  moteplaner: ReadonlyMap<BodyKind, Moteplan>
): void {
  const fail = (pointer: string, problem: string): never => { throw new CatalogueError(rel, pointer, problem) }

  if (pkg.key !== fileKey(rel)) fail('/key', `key "${pkg.key}" does not match the file name "${path.posix.basename(rel)}"`)
  const { appliesTo } = pkg
  if (appliesTo.subject === 'collaboration' && appliesTo.legalForms.length === 0 && appliesTo.slugs.length === 0) {
    fail('/appliesTo', 'must list at least one legal form or slug')
  }

  const seen = new Set<string>()
  pkg.eventTypes.forEach((entry, i) => {
    const at = `/eventTypes/${i}`
    const eventType = eventTypes.get(entry.eventType)
    if (!eventType) return fail(`${at}/eventType`, `unknown event type "${entry.eventType}"`)

    const owner = entry.bodyOwner ?? 'self'
    if (owner !== 'self' && appliesTo.subject === 'municipality') {
      fail(`${at}/bodyOwner`, `"${owner}" only applies to collaborations`)
    }
    if (entry.municipalityKinds) {
      if (appliesTo.subject !== 'municipality') fail(`${at}/municipalityKinds`, 'only applies to municipality packages')
      if (new Set(entry.municipalityKinds).size !== entry.municipalityKinds.length) fail(`${at}/municipalityKinds`, 'lists a kind twice')
    }
    const municipalBodies = appliesTo.subject === 'municipality' || owner !== 'self'
    const checkOwner = (kind: BodyKind, field: keyof PackageEntry): void => {
      const fromEntry = entry[field] !== undefined
      const pointer = fromEntry ? `${at}/${field}` : `${at}/eventType`
      const origin = fromEntry ? '' : ` (default from event type "${eventType.key}")`
      if (municipalBodies && !MUNICIPAL_BODY_KINDS.includes(kind)) {
        fail(pointer, `body kind "${kind}"${origin} is not a body of a municipality`)
      }
      if (!municipalBodies && MUNICIPAL_BODY_KINDS.includes(kind)) {
        fail(pointer, `body kind "${kind}"${origin} is a municipal body; override it or set bodyOwner`)
      }
    }

    const responsible = entry.responsibleBodyKind ?? eventType.responsibleBodyKind
    const treatedBy = entry.treatedByBodyKind === undefined ? eventType.treatedByBodyKind : entry.treatedByBodyKind
    const calendar = entry.calendarBodyKinds ?? eventType.calendarBodyKinds
    checkOwner(responsible, 'responsibleBodyKind')
    if (treatedBy !== null) checkOwner(treatedBy, 'treatedByBodyKind')
    for (const kind of calendar) checkOwner(kind, 'calendarBodyKinds')
    if (entry.calendarBodyKinds) checkBodyKindList(entry.calendarBodyKinds, `${at}/calendarBodyKinds`, fail)
    if (!calendar.includes(responsible)) {
      fail(entry.calendarBodyKinds ? `${at}/calendarBodyKinds` : `${at}/eventType`,
        `calendar body kinds must include the responsible body kind "${responsible}"`)
    }
    if (entry.reminderOffsetsDays) checkReminderOffsets(entry.reminderOffsetsDays, `${at}/reminderOffsetsDays`, fail)
    if (eventType.schedule.type === 'moteplan' && !moteplaner.has(responsible)) {
      fail(entry.responsibleBodyKind ? `${at}/responsibleBodyKind` : `${at}/eventType`, `no default møteplan for body kind "${responsible}"`)
    }

    const identity = `${entry.eventType}/${responsible}`
    if (seen.has(identity)) fail(at, `duplicate entry for event type "${entry.eventType}" and body kind "${responsible}"`)
    seen.add(identity)
  })
}

function checkBodyKindList (kinds: readonly BodyKind[], pointer: string, fail: (pointer: string, problem: string) => never): void {
  const duplicate = kinds.find((kind, i) => kinds.indexOf(kind) !== i)
  if (duplicate) fail(pointer, `duplicate body kind "${duplicate}"`)
}

function checkReminderOffsets (offsets: readonly number[], pointer: string, fail: (pointer: string, problem: string) => never): void {
  for (let i = 1; i < offsets.length; i++) {
    if (offsets[i]! >= offsets[i - 1]!) fail(pointer, 'must be strictly decreasing (days before the date)')
  }
}

// ---------------------------------------------------------------- RFC 5545

interface Dtstart { floating: Date, allDay: boolean }

/** DTSTART as a floating Date (wall-clock fields encoded as UTC), or the reason it is invalid. */
function parseDtstart (dtstart: string): Dtstart | string {
  const m = /^DTSTART;(?:VALUE=DATE:(\d{8})|TZID=Europe\/Oslo:(\d{8})T(\d{2})(\d{2})00)$/.exec(dtstart)
  if (!m) return `invalid DTSTART "${dtstart}" (expected DTSTART;VALUE=DATE:YYYYMMDD or DTSTART;TZID=Europe/Oslo:YYYYMMDDTHHMM00)`
  const allDay = m[1] !== undefined
  const ymd = (m[1] ?? m[2])!
  if (!isCalendarDate(ymd)) return `invalid date in DTSTART "${dtstart}"`
  const hour = allDay ? 0 : Number(m[3])
  const minute = allDay ? 0 : Number(m[4])
  if (hour > 23 || minute > 59) return `invalid time in DTSTART "${dtstart}"`
  // Europe/Oslo skips or repeats 02:00–03:00 on DST days, and TZDate resolves those wall times per host zone.
  if (!allDay && hour === 2) return `start time 02:xx in DTSTART "${dtstart}" is not allowed (DST gap/overlap in Europe/Oslo)`
  return {
    floating: new Date(Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(4, 6)) - 1, Number(ymd.slice(6, 8)), hour, minute)),
    allDay,
  }
}

function isCalendarDate (ymd: string): boolean {
  if (!/^\d{8}$/.test(ymd)) return false
  const y = Number(ymd.slice(0, 4))
  const mo = Number(ymd.slice(4, 6))
  const d = Number(ymd.slice(6, 8))
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

const WEEKDAY = '(?:MO|TU|WE|TH|FR|SA|SU)'
const RULE_PARTS: Record<string, (value: string) => boolean> = {
  FREQ: v => /^(?:YEARLY|MONTHLY|WEEKLY|DAILY)$/.test(v),
  INTERVAL: v => /^[1-9]\d{0,2}$/.test(v),
  COUNT: v => /^[1-9]\d{0,3}$/.test(v),
  UNTIL: v => /^\d{8}(?:T\d{6})?$/.test(v) && isCalendarDate(v.slice(0, 8)),
  BYMONTH: intList(1, 12, false),
  BYMONTHDAY: intList(1, 31, true),
  BYYEARDAY: intList(1, 366, true),
  BYWEEKNO: intList(1, 53, true),
  BYSETPOS: intList(1, 366, true),
  BYDAY: v => v.split(',').every(item => {
    const m = new RegExp(`^([+-]?)(\\d{1,2})?${WEEKDAY}$`).exec(item)
    return m !== null && (m[2] === undefined ? m[1] === '' : Number(m[2]) >= 1 && Number(m[2]) <= 53)
  }),
  WKST: v => new RegExp(`^${WEEKDAY}$`).test(v),
}

function intList (min: number, max: number, signed: boolean): (value: string) => boolean {
  const pattern = signed ? /^[+-]?\d{1,3}$/ : /^\d{1,3}$/
  return value => value.split(',').every(item => {
    if (!pattern.test(item)) return false
    const n = Math.abs(Number(item))
    return n >= min && n <= max
  })
}

/** Why `text` is not an acceptable catalogue RRULE value, or undefined. */
function ruleProblem (text: string): string | undefined {
  if (/DTSTART/i.test(text)) return 'must not contain DTSTART (it has its own field)'
  if (/TZID/i.test(text)) return 'must not contain TZID (times are Europe/Oslo wall-clock times)'
  if (/^RRULE:/i.test(text)) return 'must not start with "RRULE:"'
  const seen = new Set<string>()
  for (const part of text.split(';')) {
    const eq = part.indexOf('=')
    const name = eq < 0 ? part : part.slice(0, eq)
    const value = eq < 0 ? '' : part.slice(eq + 1)
    const valid = RULE_PARTS[name]
    if (!valid) return `unknown rule part "${name}"`
    if (seen.has(name)) return `rule part ${name} appears twice`
    seen.add(name)
    if (!valid(value)) return `invalid value "${value}" for ${name}`
  }
  if (!seen.has('FREQ')) return 'FREQ is required'
  if (seen.has('COUNT') && seen.has('UNTIL')) return 'COUNT and UNTIL cannot both be set'
  try {
    RRule.parseString(text)
  } catch (err) {
    return (err as Error).message
  }
  return undefined
}

function checkRule (text: string, start: Dtstart, base: string, fail: (pointer: string, problem: string) => never): void {
  const problem = ruleProblem(text)
  if (problem) fail(`${base}/rrule`, `invalid RRULE "${text}" (${problem})`)
  const rule = new RRule({ ...RRule.parseString(text), dtstart: start.floating })
  const [first] = rule.all((_, i) => i < 1)
  if (!first) fail(`${base}/rrule`, `invalid RRULE "${text}" (it has no occurrences)`)
  if (first!.getTime() !== start.floating.getTime()) {
    fail(`${base}/dtstart`, `DTSTART ${formatFloating(start)} is not an occurrence of the rule (first occurrence: ${formatFloating({ ...start, floating: first! })})`)
  }
}

function formatFloating ({ floating, allDay }: Dtstart): string {
  const iso = floating.toISOString()
  return allDay ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`
}
