import { Type } from 'typebox'
import { CASE_REF_KEYS, KONTROLL_TYPES, PLAN_STATUSES, PROJECT_MILESTONES, PROJECT_STATUSES } from '../domain/kontroll-vocabulary.js'
import { OCCURRENCE_STATUSES } from '../domain/vocabulary.js'
import { DateString, Id, Int, Line, ListOf, ListQueryBase, Nullable, Slug, Strict, Text, Timestamp, Year } from './common.js'
import { FIRST_ELECTION_YEAR } from '../domain/valgperiode.js'
import { MAX_SUPPORTED_YEAR } from '../domain/calendar-date.js'

// The last valgperiode that ends within the supported years (it runs four years from its election).
const LAST_ELECTION_YEAR = MAX_SUPPORTED_YEAR - 5
const ElectionYear = Int(FIRST_ELECTION_YEAR, LAST_ELECTION_YEAR, { description: `Valgåret E som valgperioden starter i (2023, 2027 …; ${FIRST_ELECTION_YEAR}–${LAST_ELECTION_YEAR})` })
const Score = (what: string) => Int(1, 5, { description: `${what}, 1 (lav) – 5 (høy)` })
const Title = (max: number) => Line(max, { minLength: 1 })
const CaseRef = Nullable(Line(50))
const ControlState = Type.Enum(['planned', 'done', 'none'])

export const IdParams = Strict({ id: Id })

/** OParl list paging: limit, offset, and modified_since (which also lists deleted items as tombstones). */
const { q: _q, ...Paging } = ListQueryBase

/** A deleted plan, project or assessment, listed only under modified_since. */
export const KontrollTombstone = Type.Object({
  id: Type.Integer(), created: Timestamp, modified: Timestamp, deleted: Type.Literal(true),
}, { $id: 'KontrollTombstone' })
export const ProjectParams = Strict({ id: Id, projectId: Id })

// ── plans ──
export const PlanCreate = Strict({
  type: Type.Enum([...KONTROLL_TYPES]),
  electionYear: ElectionYear,
  title: Title(200),
  bodies: Type.Array(Slug, { minItems: 1, maxItems: 20, description: 'Kontrollutvalget, eller flere for en felles plan' }),
  kuAdoptedOn: Type.Optional(Nullable(DateString)),
  kuCaseRef: Type.Optional(CaseRef),
  ksAdoptedOn: Type.Optional(Nullable(DateString)),
  ksCaseRef: Type.Optional(CaseRef),
  note: Type.Optional(Nullable(Text(2000))),
})
const { type: _t, electionYear: _e, ...planUpdatable } = PlanCreate.properties
export const PlanUpdate = Strict({
  ...planUpdatable,
  title: Type.Optional(Title(200)),
  bodies: Type.Optional(Type.Array(Slug, { minItems: 1, maxItems: 20 })),
}, { minProperties: 1 })

export const PlanQuery = Strict({
  ...Paging,
  valgperiode: Type.Optional(ElectionYear),
  municipality: Type.Optional(Slug),
  body: Type.Optional(Slug),
  type: Type.Optional(Type.Enum([...KONTROLL_TYPES])),
})

const AdoptionFields = {
  kuAdoptedOn: Nullable(DateString),
  kuCaseRef: CaseRef,
  ksAdoptedOn: Nullable(DateString),
  ksCaseRef: CaseRef,
}
const PlanAdoption = Type.Object({
  body: Type.Object({ slug: Type.String(), name: Type.String() }),
  municipality: Type.Object({ slug: Type.String(), name: Type.String() }),
  kuAdoptedOn: Nullable(Type.String()),
  kuCaseRef: Nullable(Type.String()),
  ksAdoptedOn: Nullable(Type.String()),
  ksCaseRef: Nullable(Type.String()),
})
export const AdoptionParams = Strict({ id: Id, body: Slug })
export const AdoptionUpdate = Strict(Object.fromEntries(Object.entries(AdoptionFields).map(([k, v]) => [k, Type.Optional(v)])), { minProperties: 1 })
export const RevisionCreate = Strict({
  reason: Text(2000, { minLength: 1, description: 'Hvorfor planen revideres' }),
  title: Type.Optional(Title(200)),
})
export const VersionParams = Strict({ id: Id, version: Int(1, 1000) })
export const OrderUpdate = Strict({ projects: Type.Array(Id, { minItems: 1, maxItems: 500, description: 'Hvert av planens prosjekter (id) én gang, i planens rekkefølge' }) })

export const Plan = Type.Object({
  id: Type.Integer(),
  type: Type.String(),
  electionYear: Type.Integer(),
  valgperiode: Type.String(),
  title: Type.String(),
  status: Type.Enum([...PLAN_STATUSES]),
  bodies: Type.Array(Type.Object({ slug: Type.String(), name: Type.String(), municipality: Type.Object({ slug: Type.String(), name: Type.String() }) })),
  kuAdoptedOn: Nullable(Type.String()),
  kuCaseRef: Nullable(Type.String()),
  ksAdoptedOn: Nullable(Type.String()),
  ksCaseRef: Nullable(Type.String()),
  note: Nullable(Type.String()),
  adoptionDue: Type.String({ description: 'Frist for vedtak av planen: 31.12. året etter konstitueringen (koml. §§ 23-3, 23-4)' }),
  adoptionOccurrences: Type.Array(Type.Object({
    municipality: Type.String(), occurrenceId: Nullable(Type.String()), date: Nullable(Type.String()), status: Nullable(Type.String()),
  })),
  version: Type.Integer({ minimum: 1, description: 'Gjeldende versjon: 1, og én til for hver revisjon' }),
  adoptions: Type.Array(PlanAdoption, { description: 'Gjeldende versjons vedtak: ett per kontrollutvalg i planen (og kommunestyret i dets kommune)' }),
  inForce: Nullable(Type.Integer({ description: 'Siste versjon som alle kontrollutvalgene har vedtatt' })),
  versions: Type.Array(Type.Object({
    version: Type.Integer(), reason: Nullable(Type.String()), created: Timestamp, status: Type.Enum([...PLAN_STATUSES]), adoptions: Type.Array(PlanAdoption),
  }), { description: 'Alle versjoner, eldste først' }),
  projectCount: Type.Integer(),
  created: Timestamp,
  modified: Timestamp,
  deleted: Type.Boolean(),
}, { $id: 'KontrollPlan' })
export const PlanList = ListOf(Type.Union([Plan, KontrollTombstone]))

// ── projects ──
const Subject = Strict({
  collaboration: Type.Optional(Slug),
  municipality: Type.Optional(Slug),
  serviceArea: Type.Optional(Title(120)),
}, { description: 'Et selskap/samarbeid (collaboration), eller et tjenesteområde i en kommune (municipality + serviceArea)' })

const ProjectFields = {
  title: Title(200),
  problemStatement: Type.Optional(Nullable(Text(4000))),
  plannedYear: Year(),
  plannedQuarter: Type.Optional(Nullable(Int(1, 4))),
  auditor: Type.Optional(Nullable(Line(200))),
  orderedOn: Type.Optional(Nullable(DateString)),
  reportDeliveredOn: Type.Optional(Nullable(DateString)),
  kuPlannedOn: Type.Optional(Nullable(DateString)),
  kuTreatedOn: Type.Optional(Nullable(DateString)),
  ksPlannedOn: Type.Optional(Nullable(DateString)),
  ksTreatedOn: Type.Optional(Nullable(DateString)),
  followUpDue: Type.Optional(Nullable(DateString)),
  followedUpOn: Type.Optional(Nullable(DateString)),
  status: Type.Optional(Type.Enum([...PROJECT_STATUSES])),
  droppedReason: Type.Optional(Nullable(Text(2000))),
  caseRefs: Type.Optional(Strict(Object.fromEntries(CASE_REF_KEYS.map(k => [k, Type.Optional(Line(50, { minLength: 1 }))])))),
  subjects: Type.Array(Subject, { minItems: 1, maxItems: 20 }),
}
export const ProjectCreate = Strict(ProjectFields)
export const ProjectUpdate = Strict({
  ...ProjectFields,
  title: Type.Optional(ProjectFields.title),
  plannedYear: Type.Optional(ProjectFields.plannedYear),
  subjects: Type.Optional(ProjectFields.subjects),
}, { minProperties: 1 })

const SubjectView = Type.Object({
  type: Type.Enum(['collaboration', 'service_area']),
  slug: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  legalForm: Type.Optional(Type.String()),
  municipality: Type.Optional(Type.String()),
  serviceArea: Type.Optional(Type.String()),
})

export const Project = Type.Object({
  id: Type.Integer(),
  planId: Type.Integer(),
  title: Type.String(),
  problemStatement: Nullable(Type.String()),
  plannedYear: Type.Integer(),
  plannedQuarter: Nullable(Type.Integer()),
  plannedBy: Type.String({ description: 'Siste dag i planlagt kvartal (eller år): når rapporten skal foreligge' }),
  position: Type.Integer({ minimum: 1, description: 'Plassen i planen (1, 2, …): først prosjektene ordnet for hånd, så resten etter risiko × vesentlighet' }),
  auditor: Nullable(Type.String()),
  orderedOn: Nullable(Type.String()),
  reportDeliveredOn: Nullable(Type.String()),
  kuPlannedOn: Nullable(Type.String()),
  kuTreatedOn: Nullable(Type.String()),
  ksPlannedOn: Nullable(Type.String()),
  ksTreatedOn: Nullable(Type.String()),
  followUpDue: Nullable(Type.String()),
  followedUpOn: Nullable(Type.String()),
  status: Type.Enum([...PROJECT_STATUSES]),
  droppedReason: Nullable(Type.String()),
  caseRefs: Type.Object(Object.fromEntries(CASE_REF_KEYS.map(k => [k, Type.Optional(Type.String())]))),
  subjects: Type.Array(SubjectView),
  score: Nullable(Type.Integer({ description: 'Høyeste risiko × vesentlighet blant prosjektets tema' })),
  rank: Type.Integer(),
  milestones: Type.Array(Type.Object({
    milestone: Type.Enum([...PROJECT_MILESTONES]),
    body: Type.String(),
    ruleId: Type.Integer(),
    occurrenceId: Type.String(),
    date: Type.String(),
    status: Type.Enum([...OCCURRENCE_STATUSES]),
    caseNumber: Nullable(Type.String()),
  })),
  created: Timestamp,
  modified: Timestamp,
  deleted: Type.Boolean(),
}, { $id: 'KontrollProject' })
export const ProjectQuery = Strict({ ...Paging })
export const ProjectList = ListOf(Type.Union([Project, KontrollTombstone]))

// ── assessments ──
export const AssessmentCreate = Strict({
  electionYear: ElectionYear,
  collaboration: Type.Optional(Slug),
  municipality: Type.Optional(Slug),
  serviceArea: Type.Optional(Title(120)),
  risk: Score('Risiko'),
  materiality: Score('Vesentlighet'),
  justification: Type.Optional(Nullable(Text(4000))),
  assessedOn: Type.Optional(DateString),
})
export const AssessmentUpdate = Strict({
  risk: Type.Optional(Score('Risiko')),
  materiality: Type.Optional(Score('Vesentlighet')),
  justification: Type.Optional(Nullable(Text(4000))),
  assessedOn: Type.Optional(DateString),
}, { minProperties: 1 })
export const AssessmentQuery = Strict({ ...Paging, valgperiode: Type.Optional(ElectionYear), municipality: Type.Optional(Slug), collaboration: Type.Optional(Slug) })

export const Assessment = Type.Object({
  id: Type.Integer(),
  electionYear: Type.Integer(),
  valgperiode: Type.String(),
  subject: SubjectView,
  risk: Type.Integer(),
  materiality: Type.Integer(),
  score: Type.Integer(),
  justification: Nullable(Type.String()),
  assessedOn: Type.String(),
  created: Timestamp,
  modified: Timestamp,
  deleted: Type.Boolean(),
}, { $id: 'RiskAssessment' })
export const AssessmentList = ListOf(Type.Union([Assessment, KontrollTombstone]))

// ── coverage and review ──
export const CoverageQuery = Strict({
  valgperiode: ElectionYear,
  municipality: Type.Optional(Slug),
  format: Type.Optional(Type.Enum(['json', 'csv'])),
})

const Score1to25 = Nullable(Type.Integer())
export const CoverageMunicipality = Type.Object({
  municipality: Type.Object({ slug: Type.String(), name: Type.String() }),
  collaborations: Type.Array(Type.Object({
    slug: Type.String(),
    name: Type.String(),
    legalForm: Type.String(),
    status: Type.String(),
    terminatedOn: Nullable(Type.String()),
    role: Type.String(),
    owned: Type.Boolean(),
    eierskapskontroll: ControlState,
    forvaltningsrevisjon: ControlState,
    projects: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String(), type: Type.String(), state: ControlState })),
    risk: Score1to25,
    materiality: Score1to25,
    score: Score1to25,
    lastControlled: Nullable(Type.Object({ date: Type.String(), type: Type.String(), projectId: Type.Integer() })),
    flagged: Type.Boolean(),
  })),
  serviceAreas: Type.Array(Type.Object({
    serviceArea: Type.String(),
    risk: Score1to25,
    materiality: Score1to25,
    score: Score1to25,
    forvaltningsrevisjon: ControlState,
    projects: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String(), state: ControlState })),
  })),
  flagged: Type.Array(Type.String(), { description: 'Slug for eide selskaper/samarbeid uten kontroll planlagt eller gjennomført i perioden' }),
})
export const Coverage = Type.Object({
  valgperiode: Type.Object({ electionYear: Type.Integer(), label: Type.String() }),
  municipalities: Type.Array(CoverageMunicipality),
})

export const ReviewQuery = Strict({ asOf: Type.Optional(DateString) })

const ProjectRef = Type.Object({ id: Type.Integer(), title: Type.String(), status: Type.String(), plannedYear: Type.Integer(), plannedQuarter: Nullable(Type.Integer()), rank: Type.Integer(), score: Nullable(Type.Integer()) })
const Counts = Type.Object(Object.fromEntries(PROJECT_STATUSES.map(s => [s, Type.Integer()])))
export const Review = Type.Object({
  plan: Type.Object({ id: Type.Integer(), type: Type.String(), title: Type.String(), valgperiode: Type.String(), status: Type.String() }),
  asOf: Type.String(),
  period: Type.Object({ start: Type.String(), end: Type.String() }),
  adoption: Type.Object({
    due: Type.String(),
    kuAdoptedOn: Nullable(Type.String()),
    ksAdoptedOn: Nullable(Type.String()),
    adopted: Type.Boolean(),
    overdue: Type.Boolean(),
    daysOverdue: Type.Integer(),
  }),
  byStatus: Counts,
  byYear: Type.Array(Type.Object({ year: Type.Integer(), counts: Counts, projects: Type.Array(ProjectRef) })),
  behindSchedule: Type.Array(Type.Object({ project: ProjectRef, plannedBy: Type.String(), daysBehind: Type.Integer() })),
  followUpsOverdue: Type.Array(Type.Object({ project: ProjectRef, followUpDue: Type.String(), daysOverdue: Type.Integer() })),
  deadlinesAhead: Type.Array(Type.Object({ date: Type.String(), kind: Type.String(), title: Type.String(), project: Nullable(ProjectRef) })),
})

// ── versions and the ranked list (issue 15) ──
export const PlanVersion = Type.Object({
  plan: Type.Object({
    id: Type.Integer(),
    type: Type.String(),
    electionYear: Type.Integer(),
    valgperiode: Type.String(),
    adoptionDue: Type.String(),
    bodies: Type.Array(Type.Object({ slug: Type.String(), name: Type.String(), municipality: Type.Object({ slug: Type.String(), name: Type.String() }) })),
  }),
  version: Type.Integer(),
  current: Type.Boolean({ description: 'Gjeldende versjon (prosjektene som de er nå); ellers slik versjonen var da neste begynte' }),
  reason: Nullable(Type.String()),
  created: Timestamp,
  status: Type.Enum([...PLAN_STATUSES]),
  adoptions: Type.Array(PlanAdoption),
  title: Type.String(),
  note: Nullable(Type.String()),
  projects: Type.Array(Type.Object({
    id: Type.Integer(),
    position: Type.Integer(),
    title: Type.String(),
    subjects: Type.Array(SubjectView),
    plannedYear: Type.Integer(),
    plannedQuarter: Nullable(Type.Integer()),
    plannedBy: Type.String(),
    status: Type.Enum([...PROJECT_STATUSES]),
  })),
}, { $id: 'KontrollPlanVersion' })

export const RankingCreate = Strict({
  body: Slug,
  electionYear: ElectionYear,
  items: Type.Array(Strict({
    subject: Subject,
    kind: Type.Enum([...KONTROLL_TYPES]),
    title: Title(200),
    plannedYear: Year(),
    plannedQuarter: Type.Optional(Nullable(Int(1, 4))),
    problemStatement: Type.Optional(Nullable(Text(4000))),
  }), { minItems: 1, maxItems: 100 }),
})
export const RankingResult = Type.Object({ plans: Type.Array(Plan) })
