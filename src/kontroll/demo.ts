// Optional demo data for the kontrollutvalg's planning (seeds/demo-kontroll.json, invented): loaded only by
// `npm run demo`, through the kontroll services, so it is validated, checked and audited like any API write. Idempotent:
// what already exists (an assessment of the subject, a plan of the type for the kontrollutvalg, a project
// with the title) is left alone.
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import type { KontrollServices } from '../services/kontroll/index.js'
import { systemViewer, type Actor } from '../services/access.js'
import { ServiceError } from '../shared/errors.js'
import { AssessmentCreate, PlanCreate, ProjectCreate } from '../schemas/kontroll.js'

export const DEMO_KONTROLL_FILE = fileURLToPath(new URL('../../seeds/demo-kontroll.json', import.meta.url))
/** The command line acts with full rights, named in the audit log as admin:cli-demo. */
export const DEMO_ACTOR: Actor = { tokenId: null, label: 'cli-demo', role: 'admin', municipalityIds: [] }

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

export async function loadDemoKontroll (kontroll: KontrollServices, data: DemoKontroll, actor: Actor): Promise<DemoReport> {
  const e = data.valgperiode
  const all = { limit: 10_000 }
  const report: DemoReport = { assessments: { created: 0, existing: 0 }, plans: { created: 0, existing: 0, skipped: [] }, projects: { created: 0, existing: 0 } }

  const assessed = new Set((await kontroll.assessments.list(systemViewer, { electionYear: e, ...all })).items
    .map(a => 'subject' in a ? JSON.stringify(a.subject.type === 'collaboration' ? [a.subject.slug] : [a.subject.municipality, a.subject.serviceArea?.toLowerCase()]) : ''))
  for (const a of data.assessments) {
    const key = JSON.stringify(a.collaboration ? [a.collaboration] : [a.municipality, a.serviceArea?.toLowerCase()])
    if (assessed.has(key)) { report.assessments.existing++; continue }
    await kontroll.assessments.create(actor, { ...a, electionYear: e })
    report.assessments.created++
  }

  for (const { projects, ...p } of data.plans) {
    const existing = (await kontroll.plans.list(systemViewer, { electionYear: e, body: p.bodies[0], type: p.type, ...all })).items.find(x => 'title' in x)
    let planId: number
    if (existing && 'title' in existing) {
      if (existing.title !== p.title) {
        report.plans.skipped.push({ title: p.title, reason: `${p.bodies[0]} har allerede en annen plan: «${existing.title}» (plan ${existing.id})` })
        continue
      }
      report.plans.existing++
      planId = existing.id
    } else {
      try {
        planId = (await kontroll.plans.create(actor, { ...p, electionYear: e })).id
      } catch (err) {
        if (err instanceof ServiceError && err.kind === 'conflict') { report.plans.skipped.push({ title: p.title, reason: err.message }); continue }
        throw err
      }
      report.plans.created++
    }
    const titles = new Set((await kontroll.projects.list(systemViewer, planId, all)).items.map(x => 'title' in x ? x.title : ''))
    for (const project of projects) {
      if (titles.has(project.title)) { report.projects.existing++; continue }
      await kontroll.projects.create(actor, planId, project)
      report.projects.created++
    }
  }
  return report
}
