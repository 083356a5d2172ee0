// Optional demo data for the kontrollutvalg's planning (seeds/demo-kontroll.json, invented): loaded only by
// `npm run demo`, through the repositories, so it is validated and audited like any API write. Idempotent:
// what already exists (an assessment of the subject, a plan of the type for the kontrollutvalg, a project
// with the title) is left alone.
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import type { Repositories } from '../repositories/index.js'
import type { AuditActor } from '../repositories/audit.js'
import { AppError } from '../shared/errors.js'
import { AssessmentCreate, PlanCreate, ProjectCreate } from '../schemas/kontroll.js'

export const DEMO_KONTROLL_FILE = fileURLToPath(new URL('../../seeds/demo-kontroll.json', import.meta.url))

const { electionYear: _ae, ...assessmentFields } = AssessmentCreate.properties
const { electionYear: _pe, ...planFields } = PlanCreate.properties
export const DemoKontroll = Type.Object({
  _note: Type.String({ minLength: 1 }),
  valgperiode: Type.Integer(),
  assessments: Type.Array(Type.Object(assessmentFields, { additionalProperties: false })),
  plans: Type.Array(Type.Object({ ...planFields, projects: Type.Array(ProjectCreate) }, { additionalProperties: false })),
}, { additionalProperties: false })
export type DemoKontroll = Static<typeof DemoKontroll>

export interface DemoReport {
  assessments: { created: number; existing: number }
  plans: { created: number; existing: number; skipped: Array<{ title: string; reason: string }> }
  projects: { created: number; existing: number }
}

export function readDemoKontroll (file = DEMO_KONTROLL_FILE): DemoKontroll {
  const data: unknown = JSON.parse(fs.readFileSync(file, 'utf8'))
  const error = Value.Errors(DemoKontroll, data)[0]
  if (error) throw new Error(`${file}: ${error.instancePath || '/'}: ${error.message}`)
  return data as DemoKontroll
}

export function loadDemoKontroll (repos: Repositories, data: DemoKontroll, actor: AuditActor): DemoReport {
  const { kontroll } = repos
  const e = data.valgperiode
  const report: DemoReport = { assessments: { created: 0, existing: 0 }, plans: { created: 0, existing: 0, skipped: [] }, projects: { created: 0, existing: 0 } }

  const assessed = new Set(kontroll.listAssessments({ electionYear: e }).map(a => JSON.stringify(a.subject.type === 'collaboration' ? [a.subject.slug] : [a.subject.municipality, a.subject.serviceArea?.toLowerCase()])))
  for (const a of data.assessments) {
    const key = JSON.stringify(a.collaboration ? [a.collaboration] : [a.municipality, a.serviceArea?.toLowerCase()])
    if (assessed.has(key)) { report.assessments.existing++; continue }
    kontroll.createAssessment({ ...a, electionYear: e }, actor)
    report.assessments.created++
  }

  for (const { projects, ...p } of data.plans) {
    const existing = kontroll.listPlans({ electionYear: e, body: p.bodies[0], type: p.type })[0]
    let planId: number
    if (existing) {
      if (existing.title !== p.title) {
        report.plans.skipped.push({ title: p.title, reason: `${p.bodies[0]} har allerede en annen plan: «${existing.title}» (plan ${existing.id})` })
        continue
      }
      report.plans.existing++
      planId = existing.id
    } else {
      try {
        planId = kontroll.createPlan({ ...p, electionYear: e }, actor).id
      } catch (err) {
        if (err instanceof AppError && err.statusCode === 409) { report.plans.skipped.push({ title: p.title, reason: err.message }); continue }
        throw err
      }
      report.plans.created++
    }
    const titles = new Set(kontroll.listProjects(planId).map(x => x.title))
    for (const project of projects) {
      if (titles.has(project.title)) { report.projects.existing++; continue }
      kontroll.createProject(planId, project, actor)
      report.projects.created++
    }
  }
  return report
}
