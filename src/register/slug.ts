export const MAX_SLUG_LENGTH = 80

// æ and ø have no Unicode decomposition, so they must be spelled out before diacritics are stripped.
const NORDIC_LETTERS: Readonly<Record<string, string>> = { æ: 'ae', ø: 'o', å: 'a' }

/** A URL- and key-safe form of a name: lowercase ASCII letters and digits joined by single hyphens. */
export function slugify (name: string): string {
  return name
    .toLowerCase()
    .replace(/[æøå]/g, (letter) => NORDIC_LETTERS[letter] ?? letter)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, '')
}
