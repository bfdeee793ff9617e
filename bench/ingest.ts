// Ingest throughput of the standalone server: one ~600 MB file through multipart POST /uploads,
// the upload-request PUT and tus, against `cp` and `md5sum` of the same file on the same disk,
// with the server's peak RSS growth (VmHWM) per upload.
// Run: npm run bench:ingest [-- sizeMB rounds]   (embedded PGlite + local disk; the server is a child process)
// BENCH_CEILING=0 skips the in-process measurements of the staging step (hash + LocalDiskStorage.put).
// Profiling: BENCH_ROUTES=tus (substring of a route name) runs only matching routes;
// BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=bench/.work/prof" passes flags to the server's node;
// BENCH_THREADS=1 prints each upload's CPU per server thread (main, then the others busiest first).
// Each upload is deleted after it is measured (outside the clock), so every upload starts from the same state. On the
// bench VM (Firecracker, free page reporting), writing and fdatasyncing 600 MB of new data costs ~0.2 s of kernel CPU
// right after a 600 MB file was deleted and ~0.6 s otherwise (`dd conv=fdatasync` shows it too), so with uploads kept
// only the first route of a round (after the `rm` of the `cp` copy) got the cheap case. BENCH_KEEP=1 keeps them.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createHashingStream, type HashingStream } from "../packages/core/src/storage/hashing-stream.js";
import { LocalDiskStorage } from "../packages/core/src/storage/local-disk-storage.js";

const sizeMB = Number(process.argv[2] ?? 600);
const rounds = Number(process.argv[3] ?? 3);
const size = sizeMB * 1e6;
const work = path.resolve("bench/.work/ingest");
const file = path.join(work, `ingest-${sizeMB}MB.bin`);
const READ_CHUNK = 1024 * 1024;

/** Random bytes (incompressible), written once and reused. */
async function ensureFile(): Promise<void> {
  await mkdir(work, { recursive: true });
  if (existsSync(file) && statSync(file).size === size) return;
  const out = createWriteStream(file);
  for (let i = 0; i < sizeMB; i++) if (!out.write(randomBytes(1e6))) await once(out, "drain");
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

const mbps = (ms: number) => (sizeMB * 1e3) / ms;

function timed(command: string, args: string[]): number {
  const start = performance.now();
  const run = spawnSync(command, args);
  if (run.status !== 0) throw new Error(`${command} failed: ${String(run.stderr)}`);
  return performance.now() - start;
}

/** `cp` to the same directory: page cache only, and with the copy fsynced (as LocalDiskStorage does). */
async function copyTimes(): Promise<{ cp: number; cpSync: number }> {
  const copy = path.join(work, "copy.bin");
  try {
    const cp = timed("cp", [file, copy]);
    const sync = timed("sync", [copy]);
    return { cp, cpSync: cp + sync };
  } finally {
    await rm(copy, { force: true });
  }
}

// ---------------------------------------------------------------- the server

interface Running {
  child: ChildProcess;
  url: string;
  auth: Record<string, string>;
  dataDir: string;
}

async function startServer(): Promise<Running> {
  const dataDir = path.join(work, `data-${process.pid}`);
  await rm(dataDir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "warn" };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const cli = ["--import", "tsx", "packages/server/src/cli.ts"];
  // An ordinary user's key, made before the server holds the embedded database.
  const keyRun = spawnSync(process.execPath, [...cli, "create-api-key", "--user", "bench"], { env, encoding: "utf8" });
  if (keyRun.status !== 0) throw new Error(`create-api-key failed: ${keyRun.stderr}`);
  const key = keyRun.stdout.trim();
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...cli, "serve"], { env, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.setEncoding("utf8");
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (text: string) => {
      out += text;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before it was ready:\n${out}`)));
  });
  return { child, url, auth: { Authorization: `Bearer ${key}` }, dataDir };
}

async function stopServer(server: Running): Promise<void> {
  server.child.kill("SIGTERM");
  if (server.child.exitCode === null) await once(server.child, "exit");
  await rm(server.dataDir, { recursive: true, force: true });
}

/** VmRSS / VmHWM of the server process, in MB. */
function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
}

/** CPU seconds (user + system, all threads) the process has used. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** CPU seconds per thread of the process (Node 20 names no thread, so they are told apart by id; the main thread's is the pid). */
function threadCpu(pid: number): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8").split(") ")[1].split(" ");
      cpu.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // the thread ended
    }
  }
  return cpu;
}

/** "main 1.20 s, others 0.95 0.45 0.20 …": where the CPU of one upload went, busiest threads first. */
function threadReport(pid: number, before: Map<number, number>, after: Map<number, number>): string {
  const used = [...after].map(([tid, s]) => [tid, s - (before.get(tid) ?? 0)] as const).filter(([, s]) => s >= 0.01);
  const main = used.find(([tid]) => tid === pid)?.[1] ?? 0;
  const others = used.filter(([tid]) => tid !== pid).map(([, s]) => s).sort((a, b) => b - a);
  return `main ${main.toFixed(2)} s, other threads ${others.map((s) => s.toFixed(2)).join(" ")}`;
}

/** Resets VmHWM to the current RSS (Linux `clear_refs` 5); returns false where that is not allowed. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- HTTP

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request, its body streamed from `body` (never buffered), the answer read whole (it is small). */
function send(method: string, url: string, headers: Record<string, string>, body?: AsyncIterable<Uint8Array> | Readable): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (!body) req.end();
    else pipeline(body, req).catch(reject);
  });
}

/**
 * The file with its first 16 bytes made unique, so every upload is new content: a repeat would be
 * deduplicated, and dropping the redundant 600 MB copy (evicting it from the page cache) costs ~0.3 s.
 */
async function* fileStream(): AsyncGenerator<Buffer> {
  let first = true;
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>) {
    if (first) randomBytes(16).copy(chunk);
    first = false;
    yield chunk;
  }
}

function expect(answer: Answer, status: number, what: string): Answer {
  if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status}: ${answer.body.slice(0, 500)}`);
  return answer;
}

async function json(server: Running, method: string, route: string, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = { ...server.auth, ...(payload && { "Content-Type": "application/vnd.api+json", "Content-Length": String(payload.length) }) };
  return send(method, `${server.url}${route}`, headers, payload && Readable.from([payload]));
}

/** Polls the upload until it is committed (or fails). */
async function committed(server: Running, id: string): Promise<void> {
  for (;;) {
    const answer = expect(await json(server, "GET", `/uploads/${id}`), 200, "GET upload");
    const state = JSON.parse(answer.body).data.attributes.state as string;
    if (state === "committed") return;
    if (state === "rejected") throw new Error(`upload ${id} rejected: ${answer.body}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// ---------------------------------------------------------------- the routes

/**
 * One ingest route. `upload` resolves once the server answered "stored and
 * hashed", with the Upload's id and, for the upload request, the completion
 * call still to make; `prepare` runs before the clock starts.
 */
interface Route {
  name: string;
  prepare?: (server: Running) => Promise<string[]>;
  upload: (server: Running, prepared: string[]) => Promise<{ id: string; complete?: () => Promise<unknown> }>;
}

const multipart: Route = {
  name: "multipart POST /uploads",
  async upload(server) {
    const boundary = `bench${randomBytes(8).toString("hex")}`;
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    async function* body() {
      yield head;
      yield* fileStream();
      yield tail;
    }
    const headers = { ...server.auth, "Content-Type": `multipart/form-data; boundary=${boundary}`, "Content-Length": String(head.length + size + tail.length) };
    const answer = expect(await send("POST", `${server.url}/uploads`, headers, body()), 202, "multipart POST");
    return { id: JSON.parse(answer.body).data.id as string };
  },
};

const uploadRequest: Route = {
  name: "upload-request PUT",
  async prepare(server) {
    // The three-step upload is the DatoCMS profile's (the image-asset plugin's); the signed PUT is the core's.
    const answer = expect(await json(server, "POST", "/datocms/upload-requests", { data: { type: "upload_request", attributes: { filename: "bench.bin" } } }), 200, "POST /datocms/upload-requests");
    const data = JSON.parse(answer.body).data;
    return [data.attributes.url, data.id];
  },
  async upload(server, [url, requestPath]) {
    expect(await send("PUT", url, { "Content-Length": String(size), "Content-Type": "application/octet-stream" }, fileStream()), 200, "signed PUT");
    const complete = async () => expect(await json(server, "POST", "/datocms/uploads", { data: { type: "upload", attributes: { path: requestPath } } }), 202, "POST /datocms/uploads (path)");
    return { id: requestPath.split("/")[1], complete };
  },
};

const tus: Route = {
  name: "tus POST + one PATCH",
  async upload(server) {
    const tusHeaders = { ...server.auth, "Tus-Resumable": "1.0.0" };
    const metadata = `filename ${Buffer.from("bench.bin").toString("base64")}`;
    const created = expect(await send("POST", `${server.url}/uploads/tus`, { ...tusHeaders, "Upload-Length": String(size), "Upload-Metadata": metadata }), 201, "tus POST");
    const headers = { ...tusHeaders, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream", "Content-Length": String(size) };
    const patched = expect(await send("PATCH", String(created.headers.location), headers, fileStream()), 204, "tus PATCH");
    const id = /\/uploads\/(\d+)>; rel="upload"/.exec(String(patched.headers.link ?? ""))?.[1];
    if (!id) throw new Error(`tus PATCH answered without an upload link: ${String(patched.headers.link)}`);
    return { id };
  },
};

const routes: Route[] = [multipart, uploadRequest, tus].filter((r) => r.name.includes(process.env.BENCH_ROUTES ?? ""));

interface Sample {
  storedMs: number;
  committedMs: number;
  /** CPU seconds the server used per upload (until committed), and the bench client. */
  serverCpu: number;
  clientCpu: number;
  rssGrowth: number;
  hwm: number;
}

async function measure(server: Running, route: Route): Promise<Sample> {
  const prepared = (await route.prepare?.(server)) ?? [];
  const pid = server.child.pid!;
  const resettable = resetPeak(pid);
  const before = memory(pid);
  const cpuBefore = cpuSeconds(pid);
  const threadsBefore = process.env.BENCH_THREADS ? threadCpu(pid) : undefined;
  const clientBefore = process.cpuUsage();
  const start = performance.now();
  const { id, complete } = await route.upload(server, prepared);
  const storedMs = performance.now() - start;
  await complete?.();
  await committed(server, id);
  const committedMs = performance.now() - start;
  const after = memory(pid);
  if (threadsBefore) console.log(`  ${route.name}: ${mbps(storedMs).toFixed(0)} MB/s stored; CPU ${threadReport(pid, threadsBefore, threadCpu(pid))}`);
  const client = process.cpuUsage(clientBefore);
  const sample = { storedMs, committedMs, serverCpu: cpuSeconds(pid) - cpuBefore, clientCpu: (client.user + client.system) / 1e6, rssGrowth: resettable ? after.hwm - before.rss : NaN, hwm: after.hwm };
  if (process.env.BENCH_KEEP !== "1") expect(await json(server, "DELETE", `/uploads/${id}`), 204, "DELETE upload");
  return sample;
}

// ---------------------------------------------------------------- the pipeline's own ceiling

/**
 * What the staging step (HashingStream + LocalDiskStorage.put, as ObjectStore.stage
 * runs it) reaches in-process, without HTTP, fed from the file in 64 KiB reads
 * (each one a thread-pool round trip, which sockets do not have) and in 1 MiB reads.
 */
const ceilingCases: { label: string; run: (dir: string) => Promise<unknown> }[] = [
  { label: "in-process: hash only", run: () => staged(1 << 20, (h) => pipeline(h, new Writable({ write: (_c, _e, cb) => cb() }))) },
  { label: "in-process: hash + put, 64 KiB chunks", run: (dir) => staged(64 << 10, (h) => new LocalDiskStorage({ root: dir }).put("tmp/a", h)) },
  { label: "in-process: hash + put, 1 MiB chunks", run: (dir) => staged(1 << 20, (h) => new LocalDiskStorage({ root: dir }).put("tmp/b", h)) },
];

async function staged(chunk: number, sink: (hashing: HashingStream) => Promise<unknown>): Promise<void> {
  const hashing = createHashingStream();
  await Promise.all([pipeline(createReadStream(file, { highWaterMark: chunk }), hashing), sink(hashing), hashing.result]);
}

// ---------------------------------------------------------------- main

await ensureFile();
const cpus = spawnSync("nproc").stdout.toString().trim();
console.log(`${sizeMB} MB file in ${work}, ${cpus} CPUs, page cache warm, best of ${rounds} interleaved rounds`);

const md5sum: number[] = [];
const sha256sum: number[] = [];
const cp: number[] = [];
const cpSync: number[] = [];
const samples = new Map<string, Sample[]>(routes.map((r) => [r.name, []]));
const withCeiling = process.env.BENCH_CEILING !== "0";
const ceiling = new Map<string, number[]>();

const server = await startServer();
try {
  console.log(`server pid ${server.child.pid} at ${server.url}; after start VmRSS ${memory(server.child.pid!).rss.toFixed(0)} MB`);
  // Warm-up: every route once, so code loading and JIT are not in the numbers.
  for (const route of routes) await measure(server, route);
  const warm = memory(server.child.pid!);
  console.log(`after warm-up (one upload per route) VmRSS ${warm.rss.toFixed(0)} MB, VmHWM ${warm.hwm.toFixed(0)} MB`);
  // Rounds interleave everything so a noisy neighbour penalises all alike.
  for (let round = 0; round < rounds; round++) {
    md5sum.push(timed("md5sum", [file]));
    sha256sum.push(timed("sha256sum", [file]));
    const copy = await copyTimes();
    cp.push(copy.cp);
    cpSync.push(copy.cpSync);
    for (const route of routes) samples.get(route.name)!.push(await measure(server, route));
    if (withCeiling) {
      for (const { label, run } of ceilingCases) {
        const dir = path.join(work, "ceiling");
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
        const start = performance.now();
        await run(dir);
        ceiling.set(label, [...(ceiling.get(label) ?? []), performance.now() - start]);
        await rm(dir, { recursive: true, force: true });
      }
    }
  }
} finally {
  await stopServer(server);
}

const best = (values: number[]) => Math.min(...values);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const reference = mbps(best(md5sum));
const row = (label: string, ms: number[], extra = "") =>
  console.log(`${label.padEnd(46)}${mbps(best(ms)).toFixed(0).padStart(6)} MB/s  (median ${mbps(median(ms)).toFixed(0).padStart(4)})  ${((100 * mbps(best(ms))) / reference).toFixed(0).padStart(3)}% of md5sum${extra}`);
console.log("");
row("md5sum", md5sum);
row("sha256sum", sha256sum);
row("cp (page cache)", cp);
row("cp + sync of the copy", cpSync);
for (const [label, ms] of ceiling) row(label, ms);
for (const route of routes) {
  const list = samples.get(route.name)!;
  const growth = Math.max(...list.map((s) => s.rssGrowth));
  row(`${route.name}, stored+hashed`, list.map((s) => s.storedMs), `   peak RSS growth ${growth.toFixed(0)} MB (VmHWM ${Math.max(...list.map((s) => s.hwm)).toFixed(0)} MB)`);
  row(`${route.name}, committed`, list.map((s) => s.committedMs), `   CPU per upload: server ${median(list.map((s) => s.serverCpu)).toFixed(2)} s, client ${median(list.map((s) => s.clientCpu)).toFixed(2)} s`);
}
