/**
 * V8 settings of the `assets` command, applied when this module is evaluated: cli.ts imports it
 * first, before anything compiles WebAssembly or fills the heap. Measured on the idle server
 * (BENCHMARKS.md, "Footprint"); they change how much memory V8 keeps, not what the server does.
 *
 * - `--liftoff-only`: WebAssembly stays in V8's baseline compiler. With TurboFan tiering on, an
 *   embedded server kept ~60 MiB more resident for PGlite's 9 MB module (and ~9 MiB for Prisma's
 *   query compiler), memory Wasm code never gives back, while PGlite's queries took the same
 *   CPU either way.
 * - The young generation does not grow during start-up: loading modules, migrating and seeding
 *   keep most of what they allocate, so a larger young generation only delays its promotion,
 *   and V8 does not shrink it again while the server is idle (it held ~20-45 MiB of committed,
 *   empty pages). {@link startupDone} lets it grow again, for the allocation rate of requests.
 */
import { setFlagsFromString } from "node:v8";

setFlagsFromString("--liftoff-only");
setFlagsFromString("--semi-space-growth-factor=1");

/** Restores V8's default growth of the young generation (call once the server is up). */
export function startupDone(): void {
  setFlagsFromString("--semi-space-growth-factor=2");
}
