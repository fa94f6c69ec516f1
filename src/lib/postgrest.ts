/** Escapes LIKE wildcards so that user text is matched literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}

/**
 * Builds a PostgREST `or=(...)` filter matching `text` case-insensitively as a substring of any of
 * `columns`. The value is double-quoted so commas, dots and parentheses in it are taken literally.
 */
export function orIlike(columns: readonly string[], text: string): string {
  const pattern = `%${escapeLike(text.trim())}%`
  const quoted = `"${pattern.replace(/["\\]/g, (c) => `\\${c}`)}"`
  return columns.map((column) => `${column}.ilike.${quoted}`).join(',')
}
