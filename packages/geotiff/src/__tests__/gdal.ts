/** Running GDAL command-line tools from tests (gdal-bin is required, never optional). */
import { execFileSync } from "node:child_process";

/** Throws a clear error when the GDAL tools are not installed. */
export function requireGdal(): void {
  try {
    execFileSync("gdal_translate", ["--version"], { stdio: "pipe" });
  } catch {
    throw new Error(
      "gdal_translate was not found: these tests need GDAL's command-line tools " +
        "(Debian/Ubuntu: apt-get update && apt-get install -y gdal-bin)",
    );
  }
}

/** Runs a GDAL tool and returns its stdout. */
export function gdal(tool: string, args: string[]): string {
  return execFileSync(tool, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
}
