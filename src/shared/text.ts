// The characters no text we store may hold, for the request formats (src/schemas/formats.ts) and the
// file readers (src/register/decode.ts) alike.

/**
 * Control characters (Unicode Cc: C0, DEL, C1) but line feed, carriage return and tab: never in any
 * text we store. A UTF-16 file read as UTF-8 turns every second byte into NUL.
 */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/
/** Every control character, line breaks and tabs included: never in a name or a one-line field. */
// eslint-disable-next-line no-control-regex
export const LINE_CONTROL_CHARS = /[\u0000-\u001F\u007F-\u009F]/
/**
 * Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder what
 * a reader sees ("Trojan Source", CVE-2021-42574), so a name holding one may read as another name.
 */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/

/** A UTF-16 surrogate not part of a pair: no character at all, and invalid UTF-8 once stored. */
export const LONE_SURROGATE = /\p{Cs}/u
