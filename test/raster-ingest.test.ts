/**
 * Raster ingest end to end over HTTP with the real plugin: every shared fixture through
 * `POST /uploads`, temporal steps through Lizard's `POST /api/v4/rastersources/{uuid}/data/`
 * and its tasks, and window reads through `GET .../data/`. Committed fields are compared with
 * GDAL's truth.json, never with what the code returned before.
 */
import { readdirSync } from "node:fs";
import { jest } from "@jest/globals";
import { join } from "node:path";
import type { Express } from "express";
import sharp from "sharp";
import request from "supertest";
import type { Database, Pipeline } from "@assets/core";
import { rasterSourcePlugin } from "@assets/raster-source";
import { FIXTURES, type TruthFile, expectClose, truth } from "../packages/geotiff/src/__tests__/fixtures.js";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { waitForUpload } from "./helpers/pipeline.js";

const HOST = "lizard.test";
const RD = "rd_f4_nodata-9999.tif";
const COG = "utm31n_u2_cog.tif";
const MASK = "wgs84_u1_mask.tif";

let db: Database;
let app: Express;
let pipeline: Pipeline;
let erin: Record<string, string>;
let mike: Record<string, string>;
let olga: Record<string, string>;
let orgUuid: string;

beforeAll(async () => {
  ({ db, app, pipeline } = await createTestApp({ plugins: [rasterSourcePlugin()] }));
  const org = await db.prisma.organisation.create({ data: { name: "Nelen & Schuurmans" } });
  const other = await db.prisma.organisation.create({ data: { name: "Elsewhere" } });
  orgUuid = org.uuid;
  ({ auth: erin } = await userWithKey(db, "erin", { organisations: [{ id: org.id, role: "editor" }] }));
  ({ auth: mike } = await userWithKey(db, "mike", { organisations: [{ id: org.id, role: "member" }] }));
  ({ auth: olga } = await userWithKey(db, "olga", { organisations: [{ id: other.id, role: "admin" }] }));
});
afterAll(async () => {
  await db.close();
});

const api = (method: "get" | "post", path: string, auth: Record<string, string>) => request(app)[method](`/api/v4${path}`).set("Host", HOST).set(auth);

/** Uploads a fixture as a new raster source; returns the finished upload (JSON:API) or the refusal. */
async function uploadFixture(file: string) {
  const res = await request(app).post("/uploads").set(erin).field("type", "raster_source").attach("file", join(FIXTURES, file));
  if (res.status !== 202) return { refused: res };
  return { upload: await waitForUpload(app, erin, res.body.data.id) };
}

/** Polls a task URL (absolute, as the API renders it) until SUCCESS or FAILURE. */
async function waitForTask(url: string, auth: Record<string, string>, timeoutMs = 30_000) {
  const path = new URL(url).pathname;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(app).get(path).set("Host", HOST).set(auth);
    expect(res.status).toBe(200);
    if (res.body.status === "SUCCESS" || res.body.status === "FAILURE") return res.body;
    if (Date.now() > deadline) throw new Error(`task ${path} still ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function expectFieldsOf(source: Record<string, unknown>, t: TruthFile): void {
  expect(source).toMatchObject({
    projection: t.projection, dtype: t.dtype, fill_value: t.fill_value, width: t.width, height: t.height, band_count: t.band_count,
  });
  expect(Number(source.size)).toBe(t.size_bytes);
  for (const key of ["origin_x", "origin_y", "upper_bound_x", "upper_bound_y", "pixelsize_x", "pixelsize_y"] as const) {
    expectClose(source[key] as number, t[key]!, { rel: 1e-9 }, key);
  }
  for (const side of ["west", "east", "north", "south"] as const) {
    expectClose(source[side] as number, t.spatial_bounds![side], { abs: 1e-6 }, side);
  }
}

describe("every file of the fixtures directory through POST /uploads", () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".tif")).sort();

  test("the directory and truth.json list the same files", () => {
    expect(files).toEqual(truth.map((t) => t.file).sort());
  });

  test.each(files.filter((f) => truth.find((t) => t.file === f)!.valid && truth.find((t) => t.file === f)!.projection))(
    "%s is committed with GDAL's metadata and statistics",
    async (file) => {
      const t = truth.find((x) => x.file === file)!;
      const { upload } = await uploadFixture(file);
      expect(upload!.attributes).toMatchObject({ state: "committed", filename: file });
      const resourceId = Number(upload!.relationships.resource.data.id);
      const source = await db.prisma.rasterSource.findUniqueOrThrow({ where: { resource_id: resourceId }, include: { resource: true } });
      expect(source.resource).toMatchObject({ type: "raster_source", name: file.replace(/\.tif$/, "") });
      expectFieldsOf(source, t);
      const [stats] = source.statistics as Record<string, number>[];
      for (const key of ["min", "max", "mean", "stddev"] as const) expectClose(stats![key], t.gdal!.stats[0]![key], { rel: 1e-9 }, key);
      expectClose(stats!.valid_percent!, t.gdal!.stats[0]!.valid_percent, { abs: 0.005 }, "valid_percent");

      // The Lizard profile renders the same numbers.
      const res = await api("get", `/rastersources/${source.resource.uuid}/`, erin);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ projection: t.projection, fill_value: t.fill_value, size: t.size_bytes, temporal: false, first_value_timestamp: "1970-01-01T00:00:00Z", last_value_timestamp: "1970-01-01T00:00:00Z" });
      for (const side of ["west", "east", "north", "south"] as const) expectClose(res.body.spatial_bounds[side], t.spatial_bounds![side], { abs: 1e-6 }, side);
    },
  );

  const rejected: [string, RegExp][] = [
    ["no_georef.tif", /raster-metadata: The TIFF is not georeferenced/],
    ["corrupt_truncated.tif", /raster-metadata: Truncated or corrupt file: strip \d+ .*beyond the end of the file \(240370 bytes\)/],
    ["not_a_tiff.tif", /Unsupported content: the file is not of a recognised format.*accepts image\/tiff/],
  ];
  test.each(rejected)("%s ends rejected with a reason", async (file, reason) => {
    const { upload } = await uploadFixture(file);
    expect(upload!.attributes.state).toBe("rejected");
    expect(upload!.attributes.state_detail).toMatch(reason);
  });

  test("empty.tif is refused at once with a reason (nothing is stored)", async () => {
    const before = await db.prisma.upload.count();
    const { refused } = await uploadFixture("empty.tif");
    expect(refused!.status).toBe(400);
    expect(refused!.body.errors[0].detail).toMatch(/empty \(0 bytes\)/);
    expect(await db.prisma.upload.count()).toBe(before);
  });

  test("every fixture is covered by one of the cases above", () => {
    const covered = new Set([...rejected.map(([f]) => f), "empty.tif", ...truth.filter((t) => t.valid && t.projection).map((t) => t.file)]);
    expect(files.filter((f) => !covered.has(f))).toEqual([]);
  });
});

describe("a non-temporal source fed through POST /api/v4/rastersources/{uuid}/data/", () => {
  // Values from lizard-rastersources.txt: a non-temporal source shows its data's timestamp
  // ("grid rise-velocity"), 1970-01-01T00:00:00Z when there is none ("mask", "1811_maastricht_pet_2023_ahn4").
  test("shows the epoch without data, then the timestamp its file was uploaded with, as the filters see it", async () => {
    const created = await api("post", "/rastersources/", erin).send({ name: "Max depth", organisation: orgUuid, access_modifier: "Private" });
    expect(created.body).toMatchObject({ temporal: false, first_value_timestamp: "1970-01-01T00:00:00Z", last_value_timestamp: "1970-01-01T00:00:00Z" });
    const uuid: string = created.body.uuid;
    const res = await api("post", `/rastersources/${uuid}/data/`, erin).field("timestamp", "2024-01-01T01:00:00Z").attach("file", join(FIXTURES, RD));
    expect(res.status).toBe(202);
    expect((await waitForTask(res.body.url, erin)).status).toBe("SUCCESS");
    const source = (await api("get", `/rastersources/${uuid}/`, erin)).body;
    expect(source).toMatchObject({ temporal: false, interval: null, first_value_timestamp: "2024-01-01T01:00:00Z", last_value_timestamp: "2024-01-01T01:00:00Z" });
    const found = await api("get", `/rastersources/?uuid=${uuid}&first_value_timestamp=2024-01-01T01:00:00Z&last_value_timestamp__gte=2024-01-01T01:00:00Z`, erin);
    expect(found.body.count).toBe(1);
  });
});

describe("a temporal source fed through POST /api/v4/rastersources/{uuid}/data/", () => {
  let uuid: string;
  const at = (hour: number) => `2024-03-01T${String(hour).padStart(2, "0")}:00:00Z`;
  const postStep = (file: string, fields: Record<string, string>, auth = erin) => {
    const req = api("post", `/rastersources/${uuid}/data/`, auth);
    for (const [name, value] of Object.entries(fields)) req.field(name, value);
    return req.attach("file", join(FIXTURES, file));
  };

  beforeAll(async () => {
    const res = await api("post", "/rastersources/", erin).send({ name: "Radar", organisation: orgUuid, temporal: true, access_modifier: "Private" });
    expect(res.status).toBe(201);
    uuid = res.body.uuid;
  });

  test("each step answers 202 with its task, which ends SUCCESS; the source keeps its time extent", async () => {
    for (const hour of [2, 0, 1, 4]) {
      const res = await postStep(RD, { timestamp: at(hour) });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ url: expect.stringMatching(new RegExp(`^http://${HOST}/api/v4/tasks/${res.body.task_id}/$`)), status: "PENDING" });
      expect(res.headers.location).toBe(res.body.url);
      const task = await waitForTask(res.body.url, erin);
      expect(task).toMatchObject({ status: "SUCCESS", progress: 100, result: { raster_source: `http://${HOST}/api/v4/rastersources/${uuid}/`, timestamp: at(hour) } });
    }
    const source = (await api("get", `/rastersources/${uuid}/`, erin)).body;
    const t = truth.find((x) => x.file === RD)!;
    expect(source).toMatchObject({
      temporal: true, first_value_timestamp: at(0), last_value_timestamp: at(4), interval: "01:00:00",
      size: 4 * t.size_bytes, projection: "EPSG:28992", dtype: "f4", fill_value: "-9999.0",
    });
  });

  test("a step with another grid, projection and dtype ends FAILURE with the reason", async () => {
    const res = await postStep(COG, { timestamp: at(5) });
    expect(res.status).toBe(202);
    const task = await waitForTask(res.body.url, erin);
    expect(task.status).toBe("FAILURE");
    expect(task.error).toMatch(/does not match .*projection EPSG:32631 instead of EPSG:28992; dtype u2 instead of f4/);
    expect((await api("get", `/rastersources/${uuid}/`, erin)).body.last_value_timestamp).toBe(at(4));
  });

  test("bad requests are DRF 400s naming the field; the media type must be multipart", async () => {
    expect((await postStep(RD, {})).body).toEqual({ timestamp: [expect.stringMatching(/required/)] });
    expect((await postStep(RD, { timestamp: "last tuesday" })).body).toEqual({ timestamp: [expect.stringMatching(/ISO 8601/)] });
    const noFile = await api("post", `/rastersources/${uuid}/data/`, erin).field("timestamp", at(9));
    expect([noFile.status, noFile.body]).toEqual([400, { file: ["No file was submitted."] }]);
    const json = await api("post", `/rastersources/${uuid}/data/`, erin).send({ timestamp: at(9) });
    expect(json.status).toBe(415);
    expect(json.body.detail).toMatch(/Unsupported media type/);
  });

  test("only callers who may change the source add steps; others do not learn it exists", async () => {
    const member = await postStep(RD, { timestamp: at(9) }, mike);
    expect([member.status, member.body]).toEqual([403, { detail: "You do not have permission to perform this action." }]);
    expect((await postStep(RD, { timestamp: at(9) }, olga)).status).toBe(404);
    expect((await postStep(RD, { timestamp: at(9) }, {})).status).toBe(401);
    expect((await api("post", "/rastersources/not-a-uuid/data/", erin).field("timestamp", at(9))).status).toBe(404);
  });

  test("a task is visible to whoever may see its upload, else 404", async () => {
    const res = await postStep(RD, { timestamp: at(6) });
    await waitForTask(res.body.url, erin);
    const path = new URL(res.body.url).pathname;
    expect((await request(app).get(path).set("Host", HOST).set(mike)).status).toBe(200);
    expect((await request(app).get(path).set("Host", HOST).set(olga)).status).toBe(404);
    expect((await api("get", "/tasks/00000000-0000-4000-8000-000000000000/", erin)).status).toBe(404);
  });

  test("time picks the nearest step; without it the latest", async () => {
    const read = async (time?: string) => {
      const q = `bbox=93500,434700,93510,434710&projection=EPSG:28992&width=2&height=2${time ? `&time=${time}` : ""}`;
      const res = await api("get", `/rastersources/${uuid}/data/?${q}`, mike);
      expect(res.status).toBe(200);
      return res.body.timestamp;
    };
    expect(await read()).toBe("2024-03-01T06:00:00Z");
    expect(await read("2024-03-01T01:20:00Z")).toBe("2024-03-01T01:00:00Z");
    expect(await read("2024-03-01T03:00:00Z")).toBe("2024-03-01T02:00:00Z"); // equally near: the earlier
    expect(await read("2023-01-01")).toBe("2024-03-01T00:00:00Z");
  });
});

describe("window reads through GET /api/v4/rastersources/{uuid}/data/", () => {
  const sources: Record<string, string> = {};
  const data = (file: string, query: string, auth = erin) => api("get", `/rastersources/${sources[file]}/data/?${query}`, auth);

  beforeAll(async () => {
    for (const file of [RD, COG, MASK]) {
      const { upload } = await uploadFixture(file);
      const resource = await db.prisma.resource.findUniqueOrThrow({ where: { id: Number(upload!.relationships.resource.data.id) } });
      sources[file] = resource.uuid;
    }
  });

  test("a refused window query is DRF's field-keyed 400, every refused field named", async () => {
    const res = await data(COG, "bbox=0,0,1,1&width=-1&colormap=red");
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ width: ["Ensure this value is a positive integer."], colormap: ['"red" is not a valid choice (viridis, gray).'] });
    // As DRF's validate(): checks across fields once each field is valid.
    expect((await data(COG, "bbox=0,0,1,1&min=2&max=1")).body).toEqual({ min: ["min must be less than max."] });
    expect((await data(COG, "")).body).toEqual({ bbox: ["This parameter is required: bbox=west,south,east,north."] });
  });

  test.each([RD, COG, MASK])("%s: one-pixel windows in the source projection equal gdallocationinfo", async (file) => {
    const t = truth.find((x) => x.file === file)!;
    for (const { col, row, values } of t.gdal!.samples) {
      const [x0, dx, y0, dy] = [t.origin_x!, t.pixelsize_x!, t.upper_bound_y!, t.pixelsize_y!]; // upper-left corner
      const bbox = [x0 + col * dx, y0 + (row + 1) * dy, x0 + (col + 1) * dx, y0 + row * dy].join(",");
      const res = await data(file, `bbox=${bbox}&width=1&height=1&projection=${t.projection}`);
      expect(res.status).toBe(200);
      const expected = values[0] === Number(t.fill_value) ? null : Math.fround(values[0]!);
      expect([col, row, res.body.data[0][0] === null ? null : Math.fround(res.body.data[0][0])]).toEqual([col, row, expected]);
    }
  });

  test("JSON by default in EPSG:4326, float32 bytes with Accept: application/octet-stream, the same values", async () => {
    const t = truth.find((x) => x.file === RD)!;
    const b = t.spatial_bounds!;
    const query = `bbox=${b.west},${b.south},${b.east},${b.north}&width=64&height=48`;
    const json = await data(RD, query);
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ width: 64, height: 48, projection: "EPSG:4326", nodata: -9999, timestamp: null });
    expect(json.body.data).toHaveLength(48);
    const binary = await data(RD, query).set("Accept", "application/octet-stream").buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => done(null, Buffer.concat(chunks)));
    });
    expect(binary.headers["content-type"]).toBe("application/octet-stream");
    expect(binary.headers["x-nodata"]).toBe("-9999");
    const body = binary.body as Buffer;
    expect(body.length).toBe(64 * 48 * 4);
    // JSON has no -0: compare zeros without their sign.
    const floats = Array.from({ length: 64 * 48 }, (_, i) => body.readFloatLE(i * 4) + 0);
    const fromJson = (json.body.data as (number | null)[][]).flat().map((v) => (v === null ? -9999 : Math.fround(v) + 0));
    expect(floats).toEqual(fromJson);
    expect(floats.some((v) => v === -9999)).toBe(true); // the nodata hole and the corners outside the rotated grid
  });

  test("format=png renders a viridis preview with nodata transparent", async () => {
    const t = truth.find((x) => x.file === RD)!;
    // The whole raster in its own projection; the circular nodata hole is centred on pixel (300, 100).
    const bbox = [t.origin_x, t.origin_y, t.upper_bound_x, t.upper_bound_y].join(",");
    const res = await data(RD, `bbox=${bbox}&projection=EPSG:28992&width=400&height=300&format=png&colormap=viridis`).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("image/png");
    const { data: rgba, info } = await sharp(res.body as Buffer).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([400, 300, 4]);
    const alpha = (col: number, row: number) => rgba[(row * 400 + col) * 4 + 3];
    expect([alpha(300, 100), alpha(0, 0), alpha(200, 150)]).toEqual([0, 255, 255]);
  });

  test("a zoomed-out COG window reads an overview, not the full-resolution tiles", async () => {
    const read = jest.spyOn(pipeline.storage, "read");
    try {
      const res = await data(COG, "bbox=590000,5749760,600240,5760000&projection=EPSG:32631&width=256&height=256");
      expect(res.status).toBe(200);
      const bytes = read.mock.calls.reduce((sum, [, , length]) => sum + length, 0);
      // The 256x256 overview is one DEFLATE tile (plus the header); the full image is 1.15 MB.
      expect(bytes).toBeLessThan(150_000);
    } finally {
      read.mockRestore();
    }
  });

  test("bad parameters are DRF 400s naming the parameter", async () => {
    const cases: [string, string][] = [
      ["", "bbox"], ["bbox=1,2,3", "bbox"], ["bbox=3,0,1,1", "bbox"], ["bbox=0,0,1,1&width=0", "width"],
      ["bbox=0,0,1,1&projection=WGS84", "projection"], ["bbox=0,0,1,1&time=soon", "time"], ["bbox=0,0,1,1&width=5000&height=5000", "width"],
      ["bbox=0,0,1,1&format=tiff", "format"], ["bbox=0,0,1,1&format=png&colormap=jet", "colormap"],
    ];
    for (const [query, field] of cases) {
      const res = await data(RD, query);
      expect([query, res.status, Object.keys(res.body)]).toEqual([query, 400, [field]]);
    }
    const unknown = await data(RD, "bbox=0,0,1,1&projection=EPSG:3");
    expect([unknown.status, unknown.body.detail]).toEqual([400, expect.stringMatching(/cannot transform from EPSG:3/)]);
  });

  test("a source the caller may not view is a 404", async () => {
    const res = await data(RD, "bbox=4.49,51.89,4.5,51.9", olga);
    expect([res.status, res.body]).toEqual([404, { detail: "Not found." }]);
  });
});
