/** Hand-made zip archives for the hostile cases (python3's zipfile writes any entry name). */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Writes `out` with entries `name -> local file path`, deflated. */
export function writeZip(out: string, entries: Record<string, string>): string {
  const script = [
    "import json, sys, zipfile",
    "out, entries = sys.argv[1], json.loads(sys.argv[2])",
    "with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:",
    "    for name, path in entries.items():",
    "        z.writestr(zipfile.ZipInfo(name), open(path, 'rb').read(), compress_type=zipfile.ZIP_DEFLATED)",
  ].join("\n");
  execFileSync("python3", ["-c", script, out, JSON.stringify(entries)]);
  return out;
}

/** Writes `out` with one deflated entry of `bytes` zero bytes (streamed, never in memory whole). */
export function writeZeroBomb(out: string, name: string, bytes: number): string {
  const script = [
    "import sys, zipfile",
    "out, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])",
    "block = bytes(1 << 20)",
    "info = zipfile.ZipInfo(name)",
    "info.compress_type = zipfile.ZIP_DEFLATED",
    "with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:",
    "    with z.open(info, 'w', force_zip64=False) as f:",
    "        for _ in range(n >> 20): f.write(block)",
  ].join("\n");
  execFileSync("python3", ["-c", script, out, name, String(bytes)]);
  return out;
}

/** The archive's bytes with every declared uncompressed size of `name` changed to `size`. */
export function withDeclaredSize(zip: string, name: string, size: number): Buffer {
  const bytes = Buffer.from(readFileSync(zip));
  for (let at = bytes.indexOf("PK\x01\x02"); at >= 0; at = bytes.indexOf("PK\x01\x02", at + 4)) {
    const nameLength = bytes.readUInt16LE(at + 28);
    if (bytes.toString("utf8", at + 46, at + 46 + nameLength) !== name) continue;
    bytes.writeUInt32LE(size, at + 24);
    bytes.writeUInt32LE(size, bytes.readUInt32LE(at + 42) + 22);
  }
  return bytes;
}
