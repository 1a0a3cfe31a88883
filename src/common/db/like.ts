/**
 * Escapes LIKE/ILIKE wildcards in user input so that it matches literally: `%`, `_` and the
 * escape character itself. Backslash is PostgreSQL's default escape character, so patterns
 * built with this need no ESCAPE clause (one naming backslash is harmless).
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** A pattern matching values that contain `text` literally. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}
