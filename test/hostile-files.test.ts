/**
 * Hostile raster *files* through POST /uploads (issue 17 items 1, 2 and 7): tiny GeoTIFFs that
 * declare huge images, sparse or shared tiles, and deflate bombs, written by hand in the test
 * (see hostile-tiffs.ts; `gdalinfo` opens each). Every one ends `rejected` after one attempt
 * with a reason naming what was wrong, and the server keeps answering meanwhile.
 */
import { readFileSync } from "node:fs";
import type { Express } from "express";
import request from "supertest";
import { type Database, definePlugin } from "@assets/core";
import { rasterSourcePlugin } from "@assets/raster-source";
import { HOSTILE_TIFFS, type HostileTiff } from "../packages/geotiff/src/__tests__/hostile-tiffs.js";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { waitForUpload } from "./helpers/pipeline.js";

interface Server {
  db: Database;
  app: Express;
  auth: Record<string, string>;
}

/** The default raster-source plugin, and one whose time limit (0.5 s) the shared-tile file (seconds of work) runs into. */
let server: Server;
let shortLimit: Server;

/** A type whose processor never finishes and ignores its signal: only the runner's time limit ends it. */
const stuckPlugin = definePlugin({
  name: "test-stuck",
  types: [{ key: "stuck", timeLimitMs: 200, processors: [{ name: "hang", run: () => new Promise(() => undefined) }] }],
});

async function serve(timeLimitMs?: number): Promise<Server> {
  const { db, app } = await createTestApp({ plugins: [rasterSourcePlugin({ timeLimitMs }), stuckPlugin] });
  return { db, app, auth: (await userWithKey(db, "uploader")).auth };
}

beforeAll(async () => {
  [server, shortLimit] = [await serve(), await serve(500)];
}, 180_000);
afterAll(async () => {
  await server?.db.close();
  await shortLimit?.db.close();
});

/**
 * Milliseconds this process's event-loop thread was runnable but waiting for a CPU
 * (`/proc/<pid>/task/<pid>/schedstat`, field 2), or 0 where the kernel does not report it. On
 * a machine shared with other jobs that wait is the scheduler's, not the server's, latency.
 */
function runQueueWaitMs(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[1]) / 1e6;
  } catch {
    return 0;
  }
}

/**
 * Uploads a hostile file and, until its upload is committed or rejected, times `GET /health`
 * back to back. Returns the final upload row and the latencies measured while it was processed
 * (wall time, and wall time minus the time the kernel ran other processes instead).
 */
async function uploadWhileProbingHealth(name: HostileTiff, { db, app, auth }: Server) {
  const res = await request(app).post("/uploads").set(auth).field("type", "raster_source").attach("file", HOSTILE_TIFFS[name](), `${name}.tif`);
  expect(res.status).toBe(202);
  const id = Number(res.body.data.id);
  const latencies: { wall: number; ours: number }[] = [];
  for (;;) {
    const upload = await db.prisma.upload.findUniqueOrThrow({ where: { id } });
    if (upload.state === "committed" || upload.state === "rejected") return { upload, latencies };
    const [started, waited] = [performance.now(), runQueueWaitMs()];
    const health = await request(app).get("/health");
    const wall = performance.now() - started;
    if (upload.state === "processing") latencies.push({ wall, ours: wall - (runQueueWaitMs() - waited) });
    expect(health.status).toBe(200);
  }
}

async function expectRejectedAtOnce(name: HostileTiff, reason: RegExp, on: Server = server) {
  const { upload, latencies } = await uploadWhileProbingHealth(name, on);
  expect(upload.state).toBe("rejected");
  expect(upload.state_detail).toMatch(reason);
  // Refused, not retried: one attempt, no "gave up after N attempts".
  expect(upload.attempts).toBe(1);
  expect(upload.state_detail).not.toMatch(/gave up|attempt/i);
  return latencies;
}

describe("hostile GeoTIFFs end rejected with a reason, after one attempt", () => {
  test("65536 x 65536 in sparse 4096 x 4096 tiles (2.3 KB) is refused from its header by the pixel budget", async () => {
    expect(HOSTILE_TIFFS.sparseGiant().length).toBeLessThan(2500);
    await expectRejectedAtOnce("sparseGiant", /^raster-metadata: The full-resolution image declares 65536 x 65536 pixels x 1 band \(4,294,967,296 values\), more than the 1,073,741,824/);
  });

  test("a ~300-byte file declaring one 2 GiB strip is refused by the block budget instead of allocating it", async () => {
    expect(HOSTILE_TIFFS.hugeSparseStrip().length).toBeLessThan(300);
    await expectRejectedAtOnce("hugeSparseStrip", /stored in 16384 x 16384 strips of 2,147,483,648 bytes each, more than the 67,108,864 bytes/);
  });

  test("an impossible image size (4294967295 x 4294967295) is rejected at once, not retried as transient", async () => {
    await expectRejectedAtOnce("impossibleSize", /declares 4294967295 x 4294967295 pixels/);
  });

  test("a deflate tile inflating far past its declared 64 KiB is corrupt", async () => {
    await expectRejectedAtOnce("deflateBomb", /^raster-statistics: Corrupt tile 0 of the full-resolution image: it decompresses to more than the 65536 bytes the block holds$/);
  });

  test("256 Mpixel of real work from a 3 KB file runs into the time limit while /health answers within 100 ms", async () => {
    const latencies = await expectRejectedAtOnce("sharedDeflateTiles", /^raster-statistics: Processing took longer than the 0.5 s time limit of raster_source uploads$/, shortLimit);
    // The one latency assertion issue 17 asks for: the event loop stays free while the file is
    // processed. Without the fix one /health waits for the whole statistics run (seconds).
    expect(latencies.length).toBeGreaterThanOrEqual(3);
    const worst = latencies.reduce((a, b) => (b.ours > a.ours ? b : a));
    process.stdout.write(`/health while processing: ${latencies.length} probes, worst ${worst.ours.toFixed(1)} ms (wall ${worst.wall.toFixed(1)} ms)\n`);
    expect({ ...worst, under100ms: worst.ours < 100 }).toMatchObject({ under100ms: true });
  });
});

test("a processor that ignores its signal still ends rejected at its type's time limit, after one attempt", async () => {
  const res = await request(server.app).post("/uploads").set(server.auth).field("type", "stuck").attach("file", Buffer.from("x"), "x.bin");
  expect(res.status).toBe(202);
  const done = await waitForUpload(server.app, server.auth, res.body.data.id);
  const upload = await server.db.prisma.upload.findUniqueOrThrow({ where: { id: Number(res.body.data.id) } });
  expect(done.attributes.state).toBe("rejected");
  expect(upload.state_detail).toBe("hang: Processing took longer than the 0.2 s time limit of stuck uploads");
  expect(upload.attempts).toBe(1);
});
