// The kontrollutvalg's planning vocabulary (issue 6; koml. §§ 23-2 – 23-5).

export const KONTROLL_TYPES = ['forvaltningsrevisjon', 'eierskapskontroll'] as const
export type KontrollType = typeof KONTROLL_TYPES[number]

export const PLAN_STATUSES = ['draft', 'adopted_ku', 'adopted_ks'] as const
export type PlanStatus = typeof PLAN_STATUSES[number]

/** In order of progress; dropped stands apart. */
export const PROJECT_STATUSES = ['planned', 'ordered', 'in_progress', 'reported', 'treated', 'followed_up', 'dropped'] as const
export type ProjectStatus = typeof PROJECT_STATUSES[number]

/** The project's steps that become occurrences: report delivered, treated by KU, treated by the council, follow-up. */
export const PROJECT_MILESTONES = ['report', 'ku', 'ks', 'follow_up'] as const
export type ProjectMilestone = typeof PROJECT_MILESTONES[number]

export const CASE_REF_KEYS = ['order', 'report', 'ku', 'ks', 'followUp'] as const
export type CaseRefs = Partial<Record<typeof CASE_REF_KEYS[number], string>>

/** One kontrollutvalg's (and its kommunestyre's) adoption of a plan version. */
export interface PlanAdoption {
  kuAdoptedOn: string | null;
  kuCaseRef: string | null;
  ksAdoptedOn: string | null;
  ksCaseRef: string | null
}

/** An earlier plan version as it stood when the next one began (issue 15): what its version page shows. */
export interface PlanSnapshot {
  title: string
  note: string | null
  projects: Array<{
    /** The project's id (it may since have changed or been deleted). */
    id: number
    position: number
    title: string
    subjects: Array<{ type: 'collaboration' | 'service_area'; slug?: string; name?: string; municipality?: string; serviceArea?: string }>
    plannedYear: number
    plannedQuarter: number | null
    plannedBy: string
    status: ProjectStatus
  }>
}
