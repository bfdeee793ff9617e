// GeoNode's resource-service operations (issue 13 §3): copy, delete, update, create and ingest answer
// {status, execution_id, status_url} and run as jobs of the pipeline's one queue (BullMQ with
// REDIS_URL); execution-status and executionrequest report them ready, running, finished or failed.
// Copied files are compared with sha256sum of the stored objects on disk.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Express } from "express";
import request from "supertest";
import { LocalDiskStorage, type Database, type Pipeline } from "@assets/core";
import { datasetPlugin } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";
import { polygonCollection, tempDir, writeJson } from "../plugins/dataset/src/__tests__/fixtures.js";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { qgisUpload } from "./helpers/qgis-geonode.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/**
 * Local-disk storage whose reads of one key wait until the test releases them: a copy reading that
 * file is then observably `running`. The bytes are the real files' (no fake storage).
 */
class GatedStorage extends LocalDiskStorage {
  private held: { key: string; open: Promise<void> } | null = null;

  hold(key: string): () => void {
    let release = () => {};
    this.held = { key, open: new Promise<void>((resolve) => (release = resolve)) };
    return () => {
      this.held = null;
      release();
    };
  }

  override async get(key: string) {
    if (this.held?.key === key) await this.held.open;
    return super.get(key);
  }
}

const sha256 = (path: string) => execFileSync("sha256sum", [path], { encoding: "utf8" }).split(" ")[0];

interface Status {
  status: string;
  func_name: string;
  input_params: Record<string, unknown>;
  output_params: Record<string, unknown>;
  log: string | null;
  user: string;
}

describe("GeoNode async operations over the pipeline's jobs", () => {
  let db: Database;
  let app: Express;
  let pipeline: Pipeline & { root: string };
  let storage: GatedStorage;
  let auth: Record<string, string>;
  let stranger: Record<string, string>;
  let workerStarted = false;

  const status = async (executionId: string, who = auth) => {
    const res = await request(app).get(`/api/v2/resource-service/execution-status/${executionId}`).set(who);
    return { http: res.status, body: res.body as Status };
  };
  /** Polls until `want` (or an end state), collecting every status seen. */
  const until = async (executionId: string, want: (s: string) => boolean) => {
    const seen: string[] = [];
    for (;;) {
      const { body } = await status(executionId);
      if (seen.at(-1) !== body.status) seen.push(body.status);
      if (want(body.status) || body.status === "finished" || body.status === "failed") return { seen, body };
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const finished = (executionId: string) => until(executionId, () => false);
  const startWorker = async () => {
    if (!workerStarted) await pipeline.startWorker(2);
    workerStarted = true;
  };

  /** A dataset uploaded through GeoNode's form, as the caller. */
  async function uploadDataset(name: string): Promise<number> {
    await startWorker();
    const file = writeJson(tmp.file(`${name}.geojson`), polygonCollection(12));
    const outcome = await qgisUpload(app, auth, { title: name, main: file, sidecars: [], allowPublicAccess: false });
    expect(outcome.ok).toBe(true);
    return (outcome.last as { request: { output_params: { resources: { id: number }[] } } }).request.output_params.resources[0]!.id;
  }

  beforeAll(async () => {
    ({ db, app, pipeline } = await createTestApp({
      plugins: [rasterSourcePlugin(), datasetPlugin()],
      pipeline: { worker: false, storageAt: (root) => (storage = new GatedStorage({ root })) },
    }));
    ({ auth } = await userWithKey(db, "operator"));
    ({ auth: stranger } = await userWithKey(db, "stranger"));
  });
  afterAll(async () => {
    await db.close();
  });

  it("copies a resource: ready -> running -> finished, the copy is the caller's with the same dataset and equal files; a copy of a resource deleted meanwhile fails", async () => {
    // Before any worker runs, the requests stay ready.
    const sourceId = await db.prisma.resource.create({ data: { type: "dataset", name: "placeholder", owner_id: (await db.prisma.user.findUniqueOrThrow({ where: { username: "operator" } })).id }, select: { id: true } });
    const doomed = await request(app).put(`/api/v2/resources/${sourceId.id}/copy`).set(auth).send({});
    expect(doomed.status).toBe(200);
    expect(doomed.body).toEqual({ status: "ready", execution_id: expect.any(String), status_url: expect.stringMatching(new RegExp(`/api/v2/resource-service/execution-status/${doomed.body.execution_id}$`)) });
    expect((await status(doomed.body.execution_id)).body).toMatchObject({ status: "ready", func_name: "copy", user: "operator", output_params: {} });
    expect((await request(app).delete(`/api/v2/resources/${sourceId.id}/`).set(auth)).status).toBe(204);

    const source = await uploadDataset("parcels_source");
    const before = await db.prisma.dataset.findUniqueOrThrow({ where: { resource_id: source }, include: { attribute_set: { orderBy: { display_order: "asc" } } } });
    // The copy of the deleted resource ran once the worker started: failed, with GeoNode's error output.
    const failed = await finished(doomed.body.execution_id);
    expect(failed.body).toMatchObject({ status: "failed", output_params: { error: "Error occurred while executing the operation: 'copy'" } });
    expect(failed.body.log).toMatch(/not found/i);

    const release = storage.hold(before.storage_key!);
    let running: Awaited<ReturnType<typeof until>>;
    let copy: request.Response;
    try {
      copy = await request(app).put(`/api/v2/resources/${source}/copy`).set(auth).send({ defaults: { title: "Parcels (copy)" } });
      expect(copy.status).toBe(200);
      running = await until(copy.body.execution_id, (s) => s === "running");
      expect(running.body.status).toBe("running");
    } finally {
      release();
    }
    const done = await finished(copy.body.execution_id);
    const order = ["ready", "running", "finished"];
    const seen = [...running.seen, ...done.seen].map((s) => order.indexOf(s));
    expect(seen.every((rank, i) => rank >= 0 && (i === 0 || rank >= seen[i - 1]!))).toBe(true);
    expect(seen).toEqual(expect.arrayContaining([1, 2]));
    expect(done.body).toMatchObject({ status: "finished", func_name: "copy", input_params: { instance: source, owner: "operator", defaults: { title: "Parcels (copy)" } } });
    const uuid = (done.body.output_params as { output: { uuid: string } }).output.uuid;

    const copied = await db.prisma.resource.findUniqueOrThrow({ where: { uuid }, include: { owner: true, grants: true, dataset: { include: { attribute_set: { orderBy: { display_order: "asc" } } } } } });
    expect(copied).toMatchObject({ name: "Parcels (copy)", type: "dataset", owner: { username: "operator" }, grants: [] });
    expect(copied.id).not.toBe(source);
    const strip = ({ id: _i, resource_id: _r, alternate: _a, storage_key: _s, thumbnail_key: _t, date: _d, attribute_set, ...rest }: typeof before) => ({
      ...rest,
      attribute_set: attribute_set.map(({ id: _x, dataset_id: _y, ...a }) => a),
    });
    expect(strip(copied.dataset!)).toEqual(strip(before));
    expect(copied.dataset!.storage_key).toMatch(new RegExp(`^copies/${uuid}/`));
    expect(sha256(join(pipeline.root, copied.dataset!.storage_key!))).toBe(sha256(join(pipeline.root, before.storage_key!)));
    expect(sha256(join(pipeline.root, copied.dataset!.thumbnail_key!))).toBe(sha256(join(pipeline.root, before.thumbnail_key!)));
    // The copy is readable through the profile, and the stranger sees neither it nor the execution.
    expect((await request(app).get(`/api/v2/datasets/${copied.id}`).set(auth)).status).toBe(200);
    expect((await request(app).get(`/api/v2/datasets/${copied.id}`).set(stranger)).status).toBe(404);
    expect((await status(copy.body.execution_id, stranger)).http).toBe(404);
    expect((await request(app).get(`/api/v2/executionrequest/${copy.body.execution_id}`).set(auth)).body.request).toMatchObject({ exec_id: copy.body.execution_id, status: "finished", geonode_resource: copied.id });
  });

  it("answers 404 for a resource the caller may not read and 403 for one they may read but not change, before any job", async () => {
    const id = await uploadDataset("parcels_private");
    const jobs = await db.prisma.job.count();
    const hidden = await request(app).put(`/api/v2/resources/${id}/copy`).set(stranger).send({});
    expect(hidden.status).toBe(404);
    // The same 404 as the profile's detail answers for a resource the caller may not read.
    const detail = await request(app).get(`/api/v2/resources/${id}/`).set(stranger);
    expect([detail.status, detail.body.code]).toEqual([404, "not_found"]);
    expect(hidden.body).toEqual(detail.body);
    expect((await request(app).delete(`/api/v2/resources/${id}/delete`).set(stranger)).status).toBe(404);
    expect((await request(app).put(`/api/v2/resources/${id}/update`).set(stranger).send({ vals: { title: "x" } })).status).toBe(404);
    expect((await request(app).put(`/api/v2/resources/${id}/copy`)).status).toBe(401);
    await db.prisma.resource.update({ where: { id }, data: { access_modifier: "Public" } });
    expect((await request(app).delete(`/api/v2/resources/${id}/delete`).set(stranger)).status).toBe(403);
    expect(await db.prisma.job.count()).toBe(jobs);
  });

  it("updates, creates, ingests and deletes through execution requests", async () => {
    const id = await uploadDataset("parcels_ops");
    const update = await request(app).put(`/api/v2/resources/${id}/update`).set(auth).send({ vals: JSON.stringify({ title: "Renamed", abstract: "New abstract" }) });
    expect(update.status).toBe(200);
    expect((await finished(update.body.execution_id)).body).toMatchObject({ status: "finished", func_name: "update" });
    expect(await db.prisma.resource.findUniqueOrThrow({ where: { id }, select: { name: true, description: true } })).toEqual({ name: "Renamed", description: "New abstract" });
    expect((await request(app).put(`/api/v2/resources/${id}/update`).set(auth).send({ vals: { title: "" } })).status).toBe(400);

    for (const operation of ["create", "ingest"]) {
      const made = await request(app).post(`/api/v2/resources/${operation}/document`).set(auth).send({ defaults: { title: `Made by ${operation}` } });
      expect(made.status).toBe(200);
      const body = (await finished(made.body.execution_id)).body;
      expect(body).toMatchObject({ status: "finished", func_name: operation, input_params: { resource_type: "document", defaults: { owner: "operator", title: `Made by ${operation}` } } });
      const row = await db.prisma.resource.findUniqueOrThrow({ where: { uuid: (body.output_params as { output: { uuid: string } }).output.uuid }, include: { owner: true } });
      expect(row).toMatchObject({ type: "document", name: `Made by ${operation}`, owner: { username: "operator" } });
    }
    expect((await request(app).post("/api/v2/resources/create/map").set(auth).send({ defaults: { title: "A map" } })).status).toBe(404);

    const removal = await request(app).delete(`/api/v2/resources/${id}/delete`).set(auth);
    expect(removal.status).toBe(200);
    expect((await finished(removal.body.execution_id)).body).toMatchObject({ status: "finished", func_name: "delete", output_params: { output: 1 } });
    expect(await db.prisma.resource.findUnique({ where: { id } })).toBeNull();
    expect((await request(app).get(`/api/v2/resources/${id}`).set(auth)).status).toBe(404);
  });

  it("ingest does what GeoNode's resource_manager.ingest does: a document from its metadata (uuid honoured, name dropped), a dataset only from files", async () => {
    await startWorker();
    const uuid = "0b6d2c3e-5f4a-4d1b-9c8e-7a6f5e4d3c2b";
    const made = await request(app).post("/api/v2/resources/ingest/document").set(auth).send({ uuid, defaults: JSON.stringify({ title: "Ingested report", abstract: "From metadata", name: "ignored", category: { identifier: "economy" }, keywords: ["budget"] }) });
    expect(made.status).toBe(200);
    const done = (await finished(made.body.execution_id)).body;
    expect(done).toMatchObject({ status: "finished", func_name: "ingest", input_params: { uuid, files: [], resource_type: "document" }, output_params: { output: { uuid } } });
    const row = await db.prisma.resource.findUniqueOrThrow({ where: { uuid }, include: { dataset: true, owner: true } });
    expect(row).toMatchObject({ type: "document", name: "Ingested report", description: "From metadata", tags: ["budget"], owner: { username: "operator" }, dataset: { subtype: "document", category: "economy" } });

    // The same uuid again: GeoNode's get_or_create answers the existing resource, unchanged.
    const again = await request(app).post("/api/v2/resources/ingest/document").set(auth).send({ uuid, defaults: { title: "Other title" } });
    expect((await finished(again.body.execution_id)).body).toMatchObject({ status: "finished", output_params: { output: { uuid } } });
    expect((await db.prisma.resource.findUniqueOrThrow({ where: { uuid } })).name).toBe("Ingested report");

    // A dataset without files: nothing is made.
    const before = await db.prisma.resource.count();
    const dataset = await request(app).post("/api/v2/resources/ingest/dataset").set(auth).send({ defaults: { title: "No files" } });
    expect(dataset.status).toBe(200);
    expect((await finished(dataset.body.execution_id)).body).toMatchObject({ status: "finished", func_name: "ingest", output_params: { output: null } });
    expect(await db.prisma.resource.count()).toBe(before);
    // create, unlike ingest, makes the (empty) dataset.
    const created = await request(app).post("/api/v2/resources/create/dataset").set(auth).send({ defaults: { title: "Empty dataset" } });
    expect((await finished(created.body.execution_id)).body).toMatchObject({ status: "finished", func_name: "create" });
    expect(await db.prisma.resource.count()).toBe(before + 1);

    // Server paths are never read; a bad uuid is a 400; both before any job.
    const jobs = await db.prisma.job.count();
    const paths = await request(app).post("/api/v2/resources/ingest/dataset").set(auth).send({ files: JSON.stringify(["/etc/passwd"]), defaults: { title: "x" } });
    expect([paths.status, paths.body.code]).toEqual([400, "invalid"]);
    expect((await request(app).post("/api/v2/resources/ingest/document").set(auth).send({ uuid: "nope", defaults: { title: "x" } })).status).toBe(400);
    expect(await db.prisma.job.count()).toBe(jobs);
  });

  it("a plain DELETE (detail or list) of a copy removes the files it owns under copies/ and its API-set thumbnail; the source's files stay", async () => {
    const source = await uploadDataset("parcels_plain_delete");
    const sourceFiles = await db.prisma.dataset.findUniqueOrThrow({ where: { resource_id: source } });
    const copyOf = async () => {
      const copy = await request(app).put(`/api/v2/resources/${source}/copy`).set(auth).send({});
      const { output } = (await finished(copy.body.execution_id)).body.output_params as { output: { uuid: string } };
      return db.prisma.resource.findUniqueOrThrow({ where: { uuid: output.uuid }, include: { dataset: true } });
    };
    const folder = (uuid: string) => (existsSync(join(pipeline.root, "copies", uuid)) ? readdirSync(join(pipeline.root, "copies", uuid)).sort() : []);

    const first = await copyOf();
    expect(folder(first.uuid)).toEqual([sourceFiles.storage_key!.split("/").pop(), "dataset-thumbnail.png"].sort());
    // A thumbnail set through the API lives under thumbnails/; the copied one it replaces is removed.
    expect((await request(app).post(`/api/v2/resources/${first.id}/set_thumbnail_from_bbox/`).set(auth).send({ bbox: [0, 1, 0, 1], srid: "EPSG:4326" })).status).toBe(200);
    const thumbnail = (await db.prisma.dataset.findUniqueOrThrow({ where: { resource_id: first.id } })).thumbnail_key!;
    expect(thumbnail).toMatch(/^thumbnails\//);
    expect(existsSync(join(pipeline.root, thumbnail))).toBe(true);
    expect(folder(first.uuid)).toEqual([sourceFiles.storage_key!.split("/").pop()]);
    expect((await request(app).delete(`/api/v2/resources/${first.id}/`).set(auth)).status).toBe(204);
    expect(folder(first.uuid)).toEqual([]);
    expect(existsSync(join(pipeline.root, thumbnail))).toBe(false);

    const second = await copyOf();
    expect(folder(second.uuid)).toHaveLength(2);
    expect((await request(app).delete("/api/v2/resources/").set(auth).send([{ id: second.id }])).status).toBe(204);
    expect(folder(second.uuid)).toEqual([]);
    // The source (an upload's files) is untouched.
    for (const key of [sourceFiles.storage_key!, sourceFiles.thumbnail_key!]) expect(existsSync(join(pipeline.root, key))).toBe(true);
  });

  it("lists the caller's execution requests in GeoNode's envelope and deletes a finished one", async () => {
    const me = await db.prisma.user.findUniqueOrThrow({ where: { username: "operator" } });
    const mine = await db.prisma.job.count({ where: { user_id: me.id } });
    const page = await request(app).get("/api/v2/executionrequest/?page_size=3").set(auth);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: mine, page: 1, page_size: 3, links: { previous: null } });
    expect(page.body.links.next).toMatch(/[?&]page=2/);
    expect(page.body.requests).toHaveLength(3);
    const all = await request(app).get(`/api/v2/executionrequest/?page_size=100`).set(auth);
    expect(all.body.requests.map((r: { exec_id: string }) => r.exec_id)).toEqual(
      (await db.prisma.job.findMany({ where: { user_id: me.id }, orderBy: [{ created_at: "asc" }, { id: "asc" }], select: { id: true } })).map((j) => j.id),
    );
    expect(new Set(all.body.requests.map((r: { user: string }) => r.user))).toEqual(new Set(["operator"]));
    expect((await request(app).get("/api/v2/executionrequest/").set(stranger)).body).toMatchObject({ total: 0, requests: [] });

    // A request still running is not deleted (its worker goes by the row).
    const gated = await db.prisma.dataset.findFirstOrThrow({ where: { storage_key: { not: null }, resource: { owner_id: me.id } } });
    const release = storage.hold(gated.storage_key!);
    let copy: request.Response;
    try {
      copy = await request(app).put(`/api/v2/resources/${gated.resource_id}/copy`).set(auth).send({});
      await until(copy.body.execution_id, (s) => s === "running");
      const refused = await request(app).delete(`/api/v2/executionrequest/${copy.body.execution_id}`).set(auth);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ success: false, errors: ["The execution request has not finished yet; delete it once it has finished or failed."] });
    } finally {
      release();
    }
    expect((await finished(copy.body.execution_id)).body.status).toBe("finished");

    const target = all.body.requests.at(-1).exec_id as string;
    expect((await request(app).delete(`/api/v2/executionrequest/${target}`).set(stranger)).status).toBe(404);
    expect((await request(app).delete(`/api/v2/executionrequest/${target}`).set(auth)).status).toBe(200);
    expect((await request(app).get(`/api/v2/executionrequest/${target}`).set(auth)).status).toBe(404);
    expect((await request(app).get("/api/v2/executionrequest/").set(auth)).body.total).toBe(mine); // one more copy, one fewer request
  });
});
