// Kontroll service tests run on the shared service fixture without HTTP (test date 2027-01-15).
import { serviceFixture } from '../../helpers/services.js'
import type { Actor } from '../../../src/services/access.js'

export type KontrollTest = Awaited<ReturnType<typeof openKontrollTest>>

export async function openKontrollTest () {
  const t = await serviceFixture()
  return {
    ...t,
    kontroll: t.services.kontroll,
    /** A person who serves these kontrollutvalg (body slugs) as sekretariat, with no editor role. */
    async sekretariatOf (...kontrollutvalg: string[]): Promise<Actor> {
      return { tokenId: null, label: `sekretariat-${kontrollutvalg.join('+')}`, role: 'editor', municipalityIds: [], kontrollutvalgIds: await Promise.all(kontrollutvalg.map(slug => t.idOf('body', slug))) }
    },
    /** The stored state of a municipality's adoption occurrence of a plan type (undefined: never changed). */
    adoptionState (municipality: string, type: string) {
      return t.sql.get<{ status: string; deliveredOn: string | null; approvedOn: string | null; caseNumber: string | null }>(`select s.status, s.delivered_on as "deliveredOn", s.approved_on as "approvedOn", s.case_number as "caseNumber"
        from occurrence_state s join rule r on r.id = s.rule_id join municipality m on m.id = r.municipality_id
        where m.slug = ? and r.event_type = ?`, municipality, `plan_${type}`)
    },
  }
}

export const KUS = ['lillehammer-kontrollutvalg', 'gausdal-kontrollutvalg', 'oyer-kontrollutvalg']
