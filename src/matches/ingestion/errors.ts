// Thrown when a file is not one of the supported formats at all (as opposed to bad rows, which
// are reported as RowIssues). The HTTP layer maps it to a 4xx response.

export class UnsupportedFormatError extends Error {
  override readonly name = 'UnsupportedFormatError';

  constructor(
    message: string,
    /** The header fields that were found, when there was a header. */
    readonly header: readonly string[] = [],
  ) {
    super(message);
  }
}
