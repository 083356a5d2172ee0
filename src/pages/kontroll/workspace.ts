// The kontrollutvalg secretariat's workspace (issue 15): which kontrollutvalg a person's /kontroll pages
// show, and whether they may change each one's plans. One home for that question, so every kontroll page
// agrees with the services' access rules (access.assertMaySteerKontroll).
import type { Services } from '../../services/index.js'
import type { Actor, Viewer } from '../../services/access.js'
import { valgperiodeContaining } from '../../domain/valgperiode.js'
import type { CalendarDate } from '../../domain/calendar-date.js'

/** A kontrollutvalg as the workspace shows it. */
export interface WorkspaceKontrollutvalg {
  id: number
  slug: string
  name: string
  municipality: { id: number; slug: string; name: string }
  /** Whether this person may change its plans, projects and assessments (admin, or its sekretariat). */
  mayChange: boolean
}

/**
 * The kontrollutvalg the workspace shows, by municipality name:
 * - the sekretariat: those it serves (it may change them);
 * - an admin: every kontrollutvalg of the region's municipalities (may change);
 * - an editor: its municipalities' kontrollutvalg (read only);
 * - anyone else: every kontrollutvalg of the region they may see (read only).
 * A private kontrollutvalg appears only to those who may see it (access.visibility).
 */
export async function workspaceKontrollutvalg (services: Services, actor: Actor | null | undefined, viewer: Viewer): Promise<WorkspaceKontrollutvalg[]> {
  const municipalities = await services.municipalities.listInRegion()
  const byId = new Map(municipalities.map(m => [m.id, m]))
  const all = (await services.bodies.listLiveSummaries({ municipalityIds: [...byId.keys()] })).filter(b => b.kind === 'kontrollutvalg')
  const visibility = await services.access.visibility(viewer)
  const served = new Set(actor?.kontrollutvalgIds ?? [])
  const admin = actor?.role === 'admin'
  const editorOf = new Set(actor?.municipalityIds ?? [])
  let shown = all.filter(b => visibility.canSeeBody(b.id))
  if (!admin) {
    if (served.size > 0) shown = shown.filter(b => served.has(b.id))
    else if (editorOf.size > 0) shown = shown.filter(b => editorOf.has(b.municipalityId!))
  }
  return shown.map(b => {
    const m = byId.get(b.municipalityId!)!
    return { id: b.id, slug: b.slug, name: b.name, municipality: { id: m.id, slug: m.slug, name: m.name }, mayChange: admin || served.has(b.id) }
  }).sort((a, b) => a.municipality.name.localeCompare(b.municipality.name, 'nb'))
}

/**
 * The valgperiode (its election year E) a day falls in, by the constitution deadline (the pages' default
 * period; a municipality constituted earlier shifts its period by days, not by a year that matters here).
 */
export const currentElectionYear = (today: CalendarDate): number => valgperiodeContaining(today).electionYear
