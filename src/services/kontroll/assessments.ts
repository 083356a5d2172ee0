// Risiko- og vesentlighetsvurdering (koml. § 23-3, § 23-4): per valgperiode, one live assessment of each
// subject — a collaboration/company, or a service area of a municipality — scored 1–5 for risk and for
// materiality. Projects are ranked by it and the coverage review shows it.
//
// Access (issues 10, 14): an assessment belongs to no plan; its subject is what it is about, and the only
// thing a write names. So an admin, or the sekretariat of a kontrollutvalg whose municipality answers for the
// subject: the municipality for a service area; for a collaboration, any municipality that owns, takes part
// in or hosts it, since the owners' kontrollutvalg assess a jointly owned company together
// (access.assertMayAssess). Editors read assessments but do not change them.
// Assessments name no body, so they are not subject to private-body visibility.
import type { Executor } from '../../db/executor.js'
import { conflicting, invalid, missing } from '../../shared/errors.js'
import type { AssessmentRow } from '../../repositories/risk-assessments.js'
import { normaliseServiceArea, subjectKey } from '../../domain/kontroll.js'
import { auditActor, type Actor, type Viewer } from '../access.js'
import { checkElectionYear, pageOf, tombstone, type AssessmentView, type KontrollServiceDeps, type KontrollShared, type Page, type Tombstone } from './shared.js'

export interface AssessmentInput {
  electionYear: number;
  collaboration?: string;
  municipality?: string;
  serviceArea?: string
  risk: number;
  materiality: number;
  justification?: string | null;
  assessedOn?: string
}
export type AssessmentPatch = Partial<Pick<AssessmentInput, 'risk' | 'materiality' | 'justification' | 'assessedOn'>>
export interface AssessmentQuery {
  electionYear?: number;
  municipality?: string;
  collaboration?: string
  modifiedSince?: number;
  limit?: number;
  offset?: number
}
type Subject = Pick<AssessmentRow, 'collaborationId' | 'municipalityId' | 'serviceArea'>

export function createKontrollAssessmentsService (deps: KontrollServiceDeps, shared: KontrollShared) {
  const { assessments, register, access, audit, clock, transactor } = deps

  async function resolveSubject (input: Pick<AssessmentInput, 'collaboration' | 'municipality' | 'serviceArea'>, ex: Executor): Promise<Subject> {
    if (input.collaboration !== undefined) {
      if (input.municipality !== undefined || input.serviceArea !== undefined) throw invalid('kontroll.subject', 'collaboration', 'give either collaboration, or municipality and serviceArea')
      const c = await deps.collaborations.find(input.collaboration, ex)
      if (!c || c.deleted) throw invalid('kontroll.unknown_subject', 'collaboration', `unknown collaboration "${input.collaboration}"`)
      return { collaborationId: c.id, municipalityId: null, serviceArea: null }
    }
    if (input.municipality === undefined || input.serviceArea === undefined || normaliseServiceArea(input.serviceArea) === '') {
      throw invalid('kontroll.subject', input.municipality === undefined ? 'collaboration' : 'serviceArea', 'give either collaboration, or municipality and serviceArea')
    }
    const m = await deps.municipalities.find(input.municipality, ex)
    if (!m || m.deleted) throw invalid('kontroll.unknown_subject', 'municipality', `unknown municipality "${input.municipality}"`)
    return { collaborationId: null, municipalityId: m.id, serviceArea: normaliseServiceArea(input.serviceArea) }
  }

  const targetsOf = (s: Subject) => ({ municipalityIds: [s.municipalityId], collaborationIds: [s.collaborationId] })

  async function live (id: number, ex?: Executor): Promise<AssessmentRow> {
    const row = await assessments.find(id, ex)
    if (!row || row.deleted) throw missing('risk_assessment', id)
    return row
  }
  const viewOf = async (row: AssessmentRow, ex?: Executor): Promise<AssessmentView> => (await shared.assessmentViews([row], ex))[0]!

  return {
    /** Highest risk × materiality first; a municipality's own service areas and what it owns, takes part in or hosts. */
    async list (_viewer: Viewer, q: AssessmentQuery = {}, ex?: Executor): Promise<Page<AssessmentView | Tombstone>> {
      const municipalityId = q.municipality !== undefined ? (await deps.municipalities.find(q.municipality, ex))?.id ?? -1 : undefined
      const collaborationId = q.collaboration !== undefined ? (await deps.collaborations.find(q.collaboration, ex))?.id ?? -1 : undefined
      const involved = municipalityId !== undefined ? await register.involvedCollaborations(municipalityId, ex) : undefined
      const rows = (await assessments.list({ electionYear: q.electionYear, collaborationId, modifiedSince: q.modifiedSince }, ex))
        .filter(a => involved === undefined || a.municipalityId === municipalityId || (a.collaborationId !== null && involved.has(a.collaborationId)))
      const views = await shared.assessmentViews(rows.filter(a => !a.deleted), ex)
      views.sort((a, b) => a.electionYear - b.electionYear || b.score - a.score || b.risk - a.risk || a.id - b.id)
      return pageOf<AssessmentView | Tombstone>([...views, ...rows.filter(a => a.deleted).map(tombstone)], q)
    },

    async get (_viewer: Viewer, id: number, ex?: Executor): Promise<AssessmentView> {
      return viewOf(await live(id, ex), ex)
    },

    async create (actor: Actor | null, input: AssessmentInput): Promise<AssessmentView> {
      return transactor.transaction(async tx => {
        checkElectionYear(input.electionYear, 'electionYear')
        const subject = await resolveSubject(input, tx)
        const a = await access.assertMayAssess(actor, targetsOf(subject), tx)
        shared.checkDate(input.assessedOn, 'assessedOn', { notFuture: true })
        const key = subjectKey(subject)
        const clash = await assessments.findLive(input.electionYear, key, tx)
        if (clash) throw conflicting('kontroll.assessment_exists', `Dette er allerede vurdert for valgperioden (vurdering ${clash.id}); endre den i stedet`)
        const now = clock.now().getTime()
        const row = await assessments.insert({
          electionYear: input.electionYear,
          ...subject,
          subjectKey: key,
          risk: input.risk,
          materiality: input.materiality,
          justification: input.justification ?? null,
          assessedOn: input.assessedOn ?? shared.today(),
          created: now,
          modified: now,
        }, tx)
        const view = await viewOf(row, tx)
        await audit.record(now, auditActor(a), { action: 'create', entityType: 'risk_assessment', entityId: row.id, after: view }, tx)
        return view
      })
    },

    async update (actor: Actor | null, id: number, patch: AssessmentPatch): Promise<AssessmentView> {
      return transactor.transaction(async tx => {
        const current = await live(id, tx)
        const a = await access.assertMayAssess(actor, targetsOf(current), tx)
        shared.checkDate(patch.assessedOn, 'assessedOn', { notFuture: true })
        const now = clock.now().getTime()
        const values = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
        const before = await viewOf(current, tx)
        const after = await viewOf((await assessments.update(id, { ...values, modified: now }, tx))!, tx)
        await audit.record(now, auditActor(a), { action: 'update', entityType: 'risk_assessment', entityId: id, before, after }, tx)
        return after
      })
    },

    /** Soft delete: a tombstone for clients that sync with modified_since; the subject may be assessed again. */
    async remove (actor: Actor | null, id: number): Promise<void> {
      await transactor.transaction(async tx => {
        const current = await live(id, tx)
        const a = await access.assertMayAssess(actor, targetsOf(current), tx)
        const now = clock.now().getTime()
        const before = await viewOf(current, tx)
        await assessments.update(id, { deleted: true, modified: now }, tx)
        await audit.record(now, auditActor(a), { action: 'delete', entityType: 'risk_assessment', entityId: id, before }, tx)
      })
    },
  }
}
export type KontrollAssessmentsService = ReturnType<typeof createKontrollAssessmentsService>
