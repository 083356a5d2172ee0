// The domain's closed vocabularies. Norwegian terms of art are kept as they are.

export const MUNICIPALITY_KINDS = ['kommune', 'fylkeskommune'] as const
export type MunicipalityKind = typeof MUNICIPALITY_KINDS[number]

export const BODY_KINDS = [
  'kommunestyre', 'formannskap', 'kontrollutvalg', 'kommunedirektor',
  'representantskap', 'styre', 'generalforsamling', 'interkommunalt_politisk_rad',
  'felles_nemnd', 'sekretariat', 'annet',
] as const
export type BodyKind = typeof BODY_KINDS[number]

// Every form in the 2019 register and in kommuneloven 2018 (and the 1992 act it replaced).
export const LEGAL_FORMS = [
  'avtale', 'uformelt', 'vedtak', 'nettverk', 'prosjekt', 'kjop_av_tjenester',
  'iks', 'as', 'sa', 'paragraf_27',
  'vertskommune_administrativ', // koml. 1992 § 28-1 b / koml. 2018 § 20-2
  'vertskommune_felles_nemnd', // koml. 1992 § 28-1 c / koml. 2018 § 20-4
  'kommunalt_oppgavefellesskap', 'interkommunalt_politisk_rad', 'stiftelse', 'annet',
] as const
export type LegalForm = typeof LEGAL_FORMS[number]

export const PARTICIPATION_ROLES = ['deltaker', 'vertskommune', 'eier'] as const
export type ParticipationRole = typeof PARTICIPATION_ROLES[number]

export const COLLABORATION_STATUSES = ['active', 'terminated'] as const
export type CollaborationStatus = typeof COLLABORATION_STATUSES[number]

export const FEED_VISIBILITIES = ['public', 'private'] as const
export type FeedVisibility = typeof FEED_VISIBILITIES[number]

export const TOKEN_ROLES = ['admin', 'editor'] as const
export type TokenRole = typeof TOKEN_ROLES[number]

export const EVENT_KINDS = ['deadline', 'meeting', 'report', 'plan'] as const
export type EventKind = typeof EVENT_KINDS[number]

export const OCCURRENCE_STATUSES = ['planned', 'in_progress', 'delivered', 'approved', 'cancelled'] as const
export type OccurrenceStatus = typeof OCCURRENCE_STATUSES[number]

/** Categories are the rings of the årshjul. */
export const EVENT_CATEGORIES = ['political', 'economy', 'ownership', 'control'] as const
export type EventCategory = typeof EVENT_CATEGORIES[number]
