/** Thrown when a storage key is not acceptable to any driver. */
export class InvalidStorageKeyError extends Error {
  /** The rejected key, verbatim. */
  readonly key: string;

  constructor(key: string, reason: string) {
    super(`Invalid storage key ${JSON.stringify(key)}: ${reason}`);
    this.name = "InvalidStorageKeyError";
    this.key = key;
  }
}

/** Longest key accepted, in UTF-8 bytes (S3's limit). */
export const MAX_KEY_BYTES = 1024;

/** True if `key` contains a C0 control, DEL or a C1 control. */
function hasControlChar(key: string): boolean {
  for (const char of key) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/**
 * Throws {@link InvalidStorageKeyError} unless `key` is a relative,
 * `/`-separated path such as `objects/ab/cd/<sha256>` or `tmp/<uuid>`:
 * no leading `/`, no backslashes, no control characters, no empty segments
 * and no segment starting with `.` (which rules out `.`/`..` and reserves
 * dot-names for driver internals such as the local staging directory).
 */
export function assertValidKey(key: string): void {
  const reject = (reason: string): never => {
    throw new InvalidStorageKeyError(key, reason);
  };
  if (typeof key !== "string" || key.length === 0) reject("must be a non-empty string");
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) reject(`longer than ${MAX_KEY_BYTES} bytes`);
  if (hasControlChar(key)) reject("contains a control character");
  if (key.includes("\\")) reject("contains a backslash");
  if (key.startsWith("/")) reject("must be relative (no leading '/')");
  for (const segment of key.split("/")) {
    if (segment === "") reject("contains an empty path segment");
    if (segment.startsWith(".")) reject("a path segment starts with '.'");
  }
}
