// HTML helpers for the pages. The words and date formats live in src/presenters/vocabulary.ts; the
// templates escape whatever these return.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** For markup built outside a template (the embed snippet); templates escape on their own. */
export function escapeHtml (s: string): string {
  return s.replace(/[&<>"']/g, c => HTML_ESCAPES[c]!)
}

/** Only http(s) links reach an href; anything else (javascript:, data:) is dropped. */
export function safeUrl (url: string | null | undefined): string | null {
  return url && /^https?:\/\/[^\s]+$/i.test(url) ? url : null
}

/** Breaks a name into at most `maxLines` lines of about `width` characters, for the wheel's hub. */
export function wrapText (text: string, width: number, maxLines: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  if (lines.length <= maxLines) return lines
  const kept = lines.slice(0, maxLines)
  kept[maxLines - 1] = `${kept[maxLines - 1]!.slice(0, Math.max(1, width - 1))}…`
  return kept
}
