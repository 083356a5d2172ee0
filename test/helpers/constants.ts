// The suite's fixed settings, shared by the helpers and the PostgreSQL template builder.
export const BASE_URL = 'https://arshjul.test'
/** The suite's "now" unless a test sets its own; the seeded templates are built at this instant. */
export const TEMPLATE_NOW = '2027-01-15T09:00:00Z'
/**
 * Tracking from well before TEMPLATE_NOW: the suite's tests expect the seed's history to count (overdue items
 * in 2025–2026); a real first start tracks from its own day (src/seed.ts).
 */
export const SEED_TRACKING_FROM = '2025-01-01'
