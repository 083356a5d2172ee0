// Which rules a governance package gives a subject. Pure planning; the repository writes the drafts.
import type { EventType, Moteplan, Package } from '../catalogue/schema.js'
import type { BodyKind, LegalForm, MunicipalityKind } from './vocabulary.js'
import type { ValgperiodeAnchor } from './valgperiode.js'

export interface SubjectForPackages {
  type: 'municipality' | 'collaboration'
  id: number
  slug: string
  inRegion?: boolean
  /** For municipalities: kommune or fylkeskommune (entries with `municipalityKinds` check it). */
  kind?: MunicipalityKind
  legalForm?: LegalForm
  status?: 'active' | 'terminated'
  /** Bodies by kind: the subject's own. */
  bodies: Partial<Record<BodyKind, number>>
  /** For collaborations: the host municipality's bodies. */
  hostBodies?: Partial<Record<BodyKind, number>>
  /** For collaborations: each in-region participant's id and bodies. */
  participants?: Array<{ municipalityId: number; bodies: Partial<Record<BodyKind, number>> }>
}

export interface RuleDraft {
  eventType: string
  packageKey: string
  municipalityId: number | null
  collaborationId: number | null
  subjectKey: string
  responsibleBodyId: number | null
  treatedByBodyId: number | null
  scheduleType: 'rrule' | 'valgperiode' | 'dates'
  allDay: boolean
  dtstart: string | null
  rrule: string | null
  anchor: ValgperiodeAnchor | null
  durationMinutes: number | null
  reminderOffsetsDays: number[] | null
  calendarBodyKinds: BodyKind[] | null
}

export function packageApplies (pkg: Package, subject: SubjectForPackages): boolean {
  const a = pkg.appliesTo
  if (a.subject !== subject.type) return false
  if (a.subject === 'municipality') return !a.inRegionOnly || subject.inRegion === true
  if (a.onlyActive && subject.status !== 'active') return false
  return a.legalForms.includes(subject.legalForm as LegalForm) || a.slugs.includes(subject.slug)
}

function scheduleOf (type: EventType): Pick<RuleDraft, 'scheduleType' | 'dtstart' | 'rrule' | 'anchor'> | null {
  const s = type.schedule
  switch (s.type) {
    case 'rrule': return { scheduleType: 'rrule', dtstart: s.dtstart, rrule: s.rrule, anchor: null }
    case 'valgperiode': return { scheduleType: 'valgperiode', dtstart: null, rrule: null, anchor: s.anchor }
    case 'once': return { scheduleType: 'dates', dtstart: `DTSTART;VALUE=DATE:${s.date.replace(/-/g, '')}`, rrule: null, anchor: null }
    // Meetings come from each body's møteplan; event-driven types (reports of a project) are created by hand.
    case 'moteplan':
    case 'manual': return null
  }
}

/** The rules a package gives one subject; a 'participants' entry gives one rule per in-region participant. */
export function planPackageRules (pkg: Package, eventTypes: ReadonlyMap<string, EventType>, subject: SubjectForPackages): RuleDraft[] {
  if (!packageApplies(pkg, subject)) return []
  const drafts: RuleDraft[] = []
  for (const entry of pkg.eventTypes) {
    if (entry.municipalityKinds && subject.kind && !entry.municipalityKinds.includes(subject.kind)) continue
    const type = eventTypes.get(entry.eventType)
    const schedule = type && scheduleOf(type)
    if (!type || !schedule) continue
    const responsibleKind = entry.responsibleBodyKind ?? type.responsibleBodyKind
    const treatedKind = entry.treatedByBodyKind === undefined ? type.treatedByBodyKind : entry.treatedByBodyKind
    const base = {
      eventType: type.key,
      packageKey: pkg.key,
      ...schedule,
      allDay: type.timing.allDay,
      durationMinutes: type.timing.allDay ? null : type.timing.durationMinutes,
      reminderOffsetsDays: entry.reminderOffsetsDays ?? null,
      calendarBodyKinds: entry.calendarBodyKinds ?? null,
      municipalityId: subject.type === 'municipality' ? subject.id : null,
      collaborationId: subject.type === 'collaboration' ? subject.id : null,
    }
    const subjectKey = `${subject.type === 'municipality' ? 'm' : 'c'}:${subject.id}`
    const bodyId = (bodies: Partial<Record<BodyKind, number>> | undefined, kind: BodyKind | null) => (kind && bodies?.[kind]) ?? null
    const owner = entry.bodyOwner ?? 'self'
    if (owner === 'participants') {
      for (const p of subject.participants ?? []) {
        drafts.push({ ...base, subjectKey: `${subjectKey}:m:${p.municipalityId}`, responsibleBodyId: bodyId(p.bodies, responsibleKind), treatedByBodyId: bodyId(p.bodies, treatedKind) })
      }
    } else {
      const bodies = owner === 'host' ? subject.hostBodies : subject.bodies
      drafts.push({ ...base, subjectKey, responsibleBodyId: bodyId(bodies, responsibleKind), treatedByBodyId: bodyId(bodies, treatedKind) })
    }
  }
  return drafts
}

/** A body's default meeting plan, labelled as such until its adopted plan replaces it. */
export function planDefaultMoteplan (moteplan: Moteplan, body: { id: number; municipalityId: number | null; collaborationId: number | null }) {
  return {
    eventType: 'mote',
    title: moteplan.label,
    note: moteplan.note,
    origin: 'moteplan_default' as const,
    municipalityId: body.municipalityId,
    collaborationId: body.collaborationId,
    subjectKey: `${body.municipalityId !== null ? `m:${body.municipalityId}` : `c:${body.collaborationId}`}:b:${body.id}`,
    responsibleBodyId: body.id,
    treatedByBodyId: null,
    scheduleType: 'rrule' as const,
    allDay: false,
    dtstart: moteplan.dtstart,
    rrule: moteplan.rrule,
    anchor: null,
    durationMinutes: moteplan.durationMinutes,
  }
}
