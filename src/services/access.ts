// The one access and visibility policy (issues 10, 14): who may change what, and who may see a private
// body's items. Every route, page, feed, report, export and reminder asks here.
// Roles (issue 14): an admin changes and sees everything; an editor changes what its municipalities (one or
// more) own or take part in; the sekretariat of one or more kontrollutvalg changes those kontrollutvalg's
// plans, projects and risk assessments (assertMaySteerKontroll, assertMayAssess) and sees those bodies even
// when private, but changes no municipality's items unless also an editor. A signed-in person with neither
// changes nothing here (own reminders are checked by their owner, not here).
import type { Executor } from '../db/executor.js'
import type { ScopeRepository } from '../repositories/scope.js'
import { denied, unauthenticated } from '../shared/errors.js'
import type { TokenRole } from '../domain/vocabulary.js'
import type { AuditActor } from '../repositories/audit.js'

/**
 * Who is acting: an API token, or a person signed in with a session (issue 14). `role` 'admin' may do
 * everything; otherwise `municipalityIds` is the editor scope (empty for a person who may only manage
 * their own reminders) and `kontrollutvalgIds` the kontrollutvalg (body ids) served as sekretariat.
 */
export interface Actor {
  tokenId: number | null
  label: string
  role: TokenRole
  municipalityIds: readonly number[]
  /** The signed-in person, or the person a token belongs to. */
  userId?: number | null
  /** The kontrollutvalg bodies this person serves as sekretariat. */
  kontrollutvalgIds?: readonly number[]
  /** How the actor came: a bearer token, or a session cookie (whose writes need a CSRF token). */
  via?: 'token' | 'session'
  /** How the audit log names the actor: the person's name and e-mail, or the token's role and label. */
  auditName?: string
}

/**
 * Who is looking. Anonymous readers see public items only; admins see everything; editors see the
 * private bodies of their municipalities (and of the collaborations those take part in or host);
 * a private feed's secret shows that one body (`bodyIds`).
 */
export interface Viewer {
  all: boolean
  municipalityIds: ReadonlySet<number>
  bodyIds: ReadonlySet<number>
}

export const anonymousViewer: Viewer = Object.freeze({ all: false, municipalityIds: new Set<number>(), bodyIds: new Set<number>() })
/** For system jobs that must see everything (admin exports, the reminder planner before it filters per recipient). */
export const systemViewer: Viewer = Object.freeze({ all: true, municipalityIds: new Set<number>(), bodyIds: new Set<number>() })

/** How an actor is named in the audit log. */
export const auditActor = (actor: Actor): AuditActor => ({ tokenId: actor.tokenId, userId: actor.userId ?? null, label: actor.auditName ?? `${actor.role}:${actor.label}` })

export function viewerOf (actor: Actor | null | undefined): Viewer {
  if (!actor) return anonymousViewer
  if (actor.role === 'admin') return systemViewer
  // The sekretariat sees the kontrollutvalg it serves, also when that body is private.
  return { all: false, municipalityIds: new Set(actor.municipalityIds), bodyIds: new Set(actor.kontrollutvalgIds ?? []) }
}

/** What a write names: every subject and body must be within the actor's scope. */
export interface WriteTargets {
  municipalityIds?: ReadonlyArray<number | null | undefined>
  collaborationIds?: ReadonlyArray<number | null | undefined>
  bodyIds?: ReadonlyArray<number | null | undefined>
}

/** Decides visibility of items that name bodies (a rule, an occurrence, a subscription's target). */
export interface Visibility {
  /** Private bodies this viewer may not see. */
  readonly hiddenBodyIds: ReadonlySet<number>
  canSeeBody (bodyId: number | null | undefined): boolean
  /** An item is hidden when any body it names (responsible, treating, meeting body) is hidden. */
  canSee (item: { responsibleBodyId?: number | null; treatedByBodyId?: number | null; bodyIds?: ReadonlyArray<number | null> }): boolean
}

/** What a kontroll write refused to someone who is not the kontrollutvalg's sekretariat says (issue 14). */
export const KONTROLL_DENIED = 'Bare sekretariatet for kontrollutvalget og administratorer kan endre kontrollplaner'

const present = (ids: ReadonlyArray<number | null | undefined> | undefined): number[] =>
  [...new Set((ids ?? []).filter((id): id is number => typeof id === 'number'))]

export function createAccessService (deps: { scope: ScopeRepository }) {
  const { scope } = deps

  const service = {
    /** 401 without an actor. Routes call this (through the auth plugin) before validating anything. */
    requireActor (actor: Actor | null | undefined): Actor {
      if (!actor) throw unauthenticated()
      return actor
    },

    requireAdmin (actor: Actor | null | undefined): Actor {
      const a = service.requireActor(actor)
      if (a.role !== 'admin') throw denied('Krever administratorrettigheter')
      return a
    },

    /** The municipalities whose editors may change something owned by these subjects. */
    async responsibleMunicipalities (targets: WriteTargets, ex?: Executor): Promise<Array<{ what: string; municipalityIds: number[] }>> {
      const out: Array<{ what: string; municipalityIds: number[] }> = []
      for (const m of present(targets.municipalityIds)) out.push({ what: `municipality ${m}`, municipalityIds: [m] })
      const bodyOwners = await scope.bodyOwners(present(targets.bodyIds), ex)
      const collaborationIds = [...present(targets.collaborationIds), ...bodyOwners.map(b => b.collaborationId).filter((id): id is number => id !== null)]
      const involved = await scope.involvedMunicipalities([...new Set(collaborationIds)], ex)
      for (const c of present(targets.collaborationIds)) out.push({ what: `collaboration ${c}`, municipalityIds: involved.get(c) ?? [] })
      for (const b of bodyOwners) {
        out.push({ what: `body ${b.id}`, municipalityIds: b.municipalityId !== null ? [b.municipalityId] : involved.get(b.collaborationId!) ?? [] })
      }
      return out
    },

    /**
     * A write is allowed only if the actor may change every subject and body it names, not only the
     * main one. Admins may change everything; an editor only what its municipalities own or take part in;
     * an actor with no municipality (no editor role) nothing at all, even a write that names nothing.
     * Throws 401 without an actor, 403 when any target is outside the scope.
     */
    async assertMayChange (actor: Actor | null | undefined, targets: WriteTargets, ex?: Executor): Promise<Actor> {
      const a = service.requireActor(actor)
      if (a.role === 'admin') return a
      // A signed-in person without an editor role (only reminders, or only sekretariat) changes no municipality's items,
      // not even a write that names nothing (issue 14).
      if (a.municipalityIds.length === 0) throw denied('Du har ingen redaktørrolle i noen kommune, og kan ikke endre dette')
      for (const t of await service.responsibleMunicipalities(targets, ex)) {
        if (!t.municipalityIds.some(id => a.municipalityIds.includes(id))) {
          throw denied('Du kan bare endre det din egen kommune eier eller deltar i')
        }
      }
      return a
    },

    /** Whether the actor could change these targets, without throwing (for showing edit buttons). */
    async mayChange (actor: Actor | null | undefined, targets: WriteTargets, ex?: Executor): Promise<boolean> {
      if (!actor) return false
      try {
        await service.assertMayChange(actor, targets, ex)
        return true
      } catch {
        return false
      }
    },

    /**
     * Kontroll writes — plans, their projects, and the adoption they record (issue 14): admins, and the
     * sekretariat of EVERY kontrollutvalg named (body ids; a joint plan's every member, before and after a
     * change). Editors of the municipality may read these plans but not change them. An empty list is the
     * admins' alone. Throws 401 without an actor, 403 `auth.forbidden` otherwise.
     */
    assertMaySteerKontroll (actor: Actor | null | undefined, kontrollutvalgIds: ReadonlyArray<number>): Actor {
      const a = service.requireActor(actor)
      if (a.role === 'admin') return a
      const served = a.kontrollutvalgIds ?? []
      if (kontrollutvalgIds.length === 0 || !kontrollutvalgIds.every(id => served.includes(id))) throw denied(KONTROLL_DENIED)
      return a
    },

    /** Whether the actor could steer these kontrollutvalg's plans, without throwing (for showing edit buttons). */
    maySteerKontroll (actor: Actor | null | undefined, kontrollutvalgIds: ReadonlyArray<number>): boolean {
      if (!actor) return false
      try {
        service.assertMaySteerKontroll(actor, kontrollutvalgIds)
        return true
      } catch {
        return false
      }
    },

    /**
     * A risk and materiality assessment (issue 14) belongs to no plan: it is about a subject, which
     * `targets` names (a municipality's service area, or a collaboration). Admins may; otherwise the actor
     * must serve as sekretariat a kontrollutvalg of a municipality responsible for each target — the
     * municipality itself, or any that owns, takes part in or hosts the collaboration (the owners'
     * kontrollutvalg assess a jointly owned company together). Throws 401 / 403 `auth.forbidden`.
     */
    async assertMayAssess (actor: Actor | null | undefined, targets: WriteTargets, ex?: Executor): Promise<Actor> {
      const a = service.requireActor(actor)
      if (a.role === 'admin') return a
      const served = (await scope.bodyOwners([...(a.kontrollutvalgIds ?? [])], ex))
        .map(b => b.municipalityId).filter((id): id is number => id !== null)
      const responsible = await service.responsibleMunicipalities(targets, ex)
      if (served.length === 0 || responsible.length === 0 || !responsible.every(t => t.municipalityIds.some(id => served.includes(id)))) {
        throw denied('Bare sekretariatet for kontrollutvalget og administratorer kan endre risiko- og vesentlighetsvurderinger')
      }
      return a
    },

    /** The visibility of private bodies for one viewer, computed once per request or job. */
    async visibility (viewer: Viewer, ex?: Executor): Promise<Visibility> {
      const hidden = new Set<number>()
      if (!viewer.all) {
        const privates = await scope.privateBodies(ex)
        const involved = await scope.involvedMunicipalities([...new Set(privates.map(b => b.collaborationId).filter((id): id is number => id !== null))], ex)
        for (const b of privates) {
          if (viewer.bodyIds.has(b.id)) continue
          const owners = b.municipalityId !== null ? [b.municipalityId] : involved.get(b.collaborationId!) ?? []
          if (!owners.some(m => viewer.municipalityIds.has(m))) hidden.add(b.id)
        }
      }
      const canSeeBody = (id: number | null | undefined) => id === null || id === undefined || !hidden.has(id)
      return {
        hiddenBodyIds: hidden,
        canSeeBody,
        canSee: item => canSeeBody(item.responsibleBodyId) && canSeeBody(item.treatedByBodyId) && (item.bodyIds ?? []).every(canSeeBody),
      }
    },
  }
  return service
}
export type AccessService = ReturnType<typeof createAccessService>
