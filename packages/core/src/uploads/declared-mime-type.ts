/**
 * The media type a client declared for its file (a multipart part's
 * Content-Type), as worth recording: none for `application/octet-stream`,
 * which parsers report for a part without a Content-Type.
 */
export function declaredMimeType(mimeType: string | undefined): string | undefined {
  return mimeType && mimeType !== "application/octet-stream" ? mimeType : undefined;
}

/**
 * Why a declared media type cannot be kept, or null. It is stored as text
 * (PostgreSQL refuses NUL) and sent to object storage as a header, so only
 * printable ASCII is accepted, which every registered media type is.
 */
export function mimeTypeProblem(mimeType: string): string | null {
  return /[^\x20-\x7e]/.test(mimeType) ? "the part's Content-Type may only contain printable ASCII characters" : null;
}
