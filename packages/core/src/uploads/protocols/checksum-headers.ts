import type { Request } from "express";
import { Errors } from "../../errors/index.js";

/**
 * Checksums a client may send with the bytes: `Content-MD5` (base64, RFC 1864),
 * `Digest: sha-256=<base64>` (RFC 3230) or `Repr-Digest: sha-256=:<base64>:`
 * (RFC 9530; also `md5`). Returns lower-case hex.
 */
export function expectedChecksums(req: Request): { md5?: string; sha256?: string } | undefined {
  const expected: { md5?: string; sha256?: string } = {};
  const contentMd5 = req.get("content-md5");
  if (contentMd5) expected.md5 = base64ToHex(contentMd5, "Content-MD5", 16);
  for (const header of ["digest", "repr-digest", "content-digest"]) {
    const value = req.get(header);
    if (!value) continue;
    for (const item of value.split(",")) {
      const match = /^\s*([A-Za-z0-9-]+)\s*=\s*:?([A-Za-z0-9+/=]+):?\s*$/.exec(item);
      if (!match) throw Errors.INVALID_PARAMETER({ detail: `Malformed ${header} header: '${item.trim()}'`, source: { header } });
      const algorithm = match[1].toLowerCase();
      if (algorithm === "sha-256") expected.sha256 = base64ToHex(match[2], header, 32);
      else if (algorithm === "md5") expected.md5 = base64ToHex(match[2], header, 16);
    }
  }
  return expected.md5 || expected.sha256 ? expected : undefined;
}

function base64ToHex(value: string, header: string, bytes: number): string {
  const decoded = Buffer.from(value.trim(), "base64");
  if (decoded.length !== bytes) throw Errors.INVALID_PARAMETER({ detail: `${header} must be ${bytes} bytes in base64`, source: { header } });
  return decoded.toString("hex");
}
