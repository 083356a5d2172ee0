import type { BodyKind, LegalForm, MunicipalityKind } from './vocabulary.js'

export interface DefaultBody { kind: BodyKind; slugSuffix: string; name: string }

/**
 * koml. § 5-1: every kommune has kommunestyre, formannskap, kontrollutvalg and a kommunedirektør; a
 * fylkeskommune has their counterparts (second paragraph): fylkesting, fylkesutvalg, kontrollutvalg and a
 * fylkeskommunedirektør. The kinds stay the kommune's (packages and default møteplaner are keyed on them:
 * the fylkesting is the council kind); the slugs and names are the fylke's own.
 */
export function defaultMunicipalityBodies (municipalityName: string, kind: MunicipalityKind = 'kommune'): DefaultBody[] {
  if (kind === 'fylkeskommune') {
    return [
      { kind: 'kommunestyre', slugSuffix: 'fylkesting', name: `Fylkestinget i ${municipalityName}` },
      { kind: 'formannskap', slugSuffix: 'fylkesutvalg', name: `Fylkesutvalget i ${municipalityName}` },
      { kind: 'kontrollutvalg', slugSuffix: 'kontrollutvalg', name: `Kontrollutvalget i ${municipalityName}` },
      { kind: 'kommunedirektor', slugSuffix: 'fylkeskommunedirektor', name: `Fylkeskommunedirektøren i ${municipalityName}` },
    ]
  }
  return [
    { kind: 'kommunestyre', slugSuffix: 'kommunestyre', name: `Kommunestyret i ${municipalityName}` },
    { kind: 'formannskap', slugSuffix: 'formannskap', name: `Formannskapet i ${municipalityName}` },
    { kind: 'kontrollutvalg', slugSuffix: 'kontrollutvalg', name: `Kontrollutvalget i ${municipalityName}` },
    { kind: 'kommunedirektor', slugSuffix: 'kommunedirektor', name: `Kommunedirektøren i ${municipalityName}` },
  ]
}

const body = (kind: BodyKind, label: string, collaborationName: string): DefaultBody =>
  ({ kind, slugSuffix: kind.replace(/_/g, '-'), name: `${label} i ${collaborationName}` })

/** The organs the law gives each form: IKS-loven § 6 and § 10, aksjeloven ch. 5–6, koml. §§ 18-3, 19-3. */
export function defaultCollaborationBodies (legalForm: LegalForm, collaborationName: string, isRegionrad = false): DefaultBody[] {
  if (isRegionrad || legalForm === 'interkommunalt_politisk_rad') {
    return [body('interkommunalt_politisk_rad', 'Representantskapet', collaborationName)]
  }
  switch (legalForm) {
    case 'iks': return [body('representantskap', 'Representantskapet', collaborationName), body('styre', 'Styret', collaborationName)]
    case 'as':
    case 'sa': return [body('generalforsamling', 'Generalforsamlingen', collaborationName), body('styre', 'Styret', collaborationName)]
    case 'kommunalt_oppgavefellesskap': return [body('representantskap', 'Representantskapet', collaborationName)]
    case 'paragraf_27': return [body('styre', 'Styret', collaborationName)]
    case 'vertskommune_felles_nemnd': return [body('felles_nemnd', 'Den felles folkevalgte nemnda', collaborationName)]
    default: return []
  }
}
