import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { Database } from "../../db/open-database.js";
import { createTestDatabase } from "../../testing/test-database.js";
import { IllegalTransitionError, PROCESS_UPLOAD, claimUpload, createRequestedUpload, deleteUpload, receiveUpload, releaseRequest, reserveRequest, transitionUpload } from "../upload-states.js";

// Runs on PGlite, and on PostgreSQL when DATABASE_URL is set (where the concurrent claims really race).
let db: Database;
let uploaderId: number;
beforeAll(async () => {
  db = await createTestDatabase();
  uploaderId = (await db.prisma.user.create({ data: { username: "states" } })).id;
});
afterAll(async () => {
  await db.close();
});

const received = (filename: string) => receiveUpload(db.prisma, { filename, storage_key: `objects/${filename}` }, { uploaderId });
const rowOf = (id: number) => db.prisma.upload.findUniqueOrThrow({ where: { id } });
const jobOf = (id: number) => db.prisma.job.findFirstOrThrow({ where: { kind: PROCESS_UPLOAD, subject_id: id } });
const lease = (ms = 60_000) => ({ ms, jobStartedAt: new Date() });

describe("the upload state machine", () => {
  it("records a received upload and its queued job together", async () => {
    const { upload, job } = await received("new.bin");
    expect(upload).toMatchObject({ state: "received", uploader_id: uploaderId, claim_token: null });
    expect(job).toMatchObject({ kind: PROCESS_UPLOAD, subject_id: upload.id, state: "queued" });
  });

  it("lets exactly one of many concurrent claims take an upload; its job becomes running with the same attempt", async () => {
    const { upload } = await received("contended.bin");
    const claims = await Promise.all(Array.from({ length: 8 }, () => claimUpload(db.prisma, upload.id, lease())));
    const won = claims.filter((c) => c !== null);
    expect(won).toHaveLength(1);
    const row = await rowOf(upload.id);
    expect(row).toMatchObject({ state: "processing", attempts: 1, claim_token: won[0]!.token });
    expect(row.lease_expires_at!.getTime()).toBeGreaterThan(Date.now());
    expect(await jobOf(upload.id)).toMatchObject({ state: "running", attempts: 1 });
  });

  it("hands a crashed worker's upload (lease run out) to the next claim, and refuses the old holder's outcome", async () => {
    const { upload } = await received("crashed.bin");
    const dead = await claimUpload(db.prisma, upload.id, lease(1));
    expect(dead).not.toBeNull();
    // While the lease holds nobody else gets it; once it ran out the next claim does.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const next = await claimUpload(db.prisma, upload.id, lease());
    expect(next).not.toBeNull();
    expect(await claimUpload(db.prisma, upload.id, lease())).toBeNull();

    await expect(transitionUpload(db.prisma, upload.id, ["processing"], "committed", { claim: dead!.token })).rejects.toBeInstanceOf(IllegalTransitionError);
    expect(await rowOf(upload.id)).toMatchObject({ state: "processing", attempts: 2, claim_token: next!.token });
    expect(await jobOf(upload.id)).toMatchObject({ state: "running", attempts: 2, finished_at: null });

    await transitionUpload(db.prisma, upload.id, ["processing"], "committed", { claim: next!.token, job: { progress: 100 } });
    expect(await rowOf(upload.id)).toMatchObject({ state: "committed", claim_token: null, lease_expires_at: null });
    const job = await jobOf(upload.id);
    expect(job).toMatchObject({ state: "succeeded", progress: 100 });
    expect(job.finished_at).toBeInstanceOf(Date);
  });

  it("moves the job with every outcome: retry, then rejected with the reason", async () => {
    const { upload } = await received("flaky.bin");
    const first = await claimUpload(db.prisma, upload.id, lease());
    await transitionUpload(db.prisma, upload.id, ["processing"], "retry", { claim: first!.token, data: { state_detail: "attempt 1 failed" }, job: { error: "boom" } });
    expect(await rowOf(upload.id)).toMatchObject({ state: "retry", claim_token: null, lease_expires_at: null });
    expect(await jobOf(upload.id)).toMatchObject({ state: "retry", error: "boom", finished_at: null });

    const second = await claimUpload(db.prisma, upload.id, lease());
    await transitionUpload(db.prisma, upload.id, ["processing"], "rejected", { claim: second!.token, data: { state_detail: "gave up" }, job: { error: "gave up" } });
    expect(await rowOf(upload.id)).toMatchObject({ state: "rejected", state_detail: "gave up", attempts: 2 });
    expect(await jobOf(upload.id)).toMatchObject({ state: "failed", error: "gave up" });
  });

  it("rolls the upload and its job back together with the caller's transaction", async () => {
    const { upload } = await received("rollback.bin");
    const claim = await claimUpload(db.prisma, upload.id, lease());
    const hookFailed = new Error("the commit hook failed");
    await expect(
      db.prisma.$transaction(async (tx) => {
        await transitionUpload(tx, upload.id, ["processing"], "committed", { claim: claim!.token });
        throw hookFailed;
      }),
    ).rejects.toBe(hookFailed);
    expect(await rowOf(upload.id)).toMatchObject({ state: "processing", claim_token: claim!.token });
    expect(await jobOf(upload.id)).toMatchObject({ state: "running", finished_at: null });
  });

  it("completes a reserved upload request only under its reservation, which receiving releases", async () => {
    const request = await createRequestedUpload(db.prisma, { filename: "requested.bin", uploader_id: uploaderId, storage_key: "tmp/requested" });
    expect(request.state).toBe("requested");
    const token = await reserveRequest(db.prisma, request.id, "tmp/requested");
    expect(token).not.toBeNull();
    expect(await reserveRequest(db.prisma, request.id, "tmp/requested")).toBeNull();
    await expect(receiveUpload(db.prisma, { filename: "requested.bin" }, { uploadId: request.id, claim: "someone else" })).rejects.toBeInstanceOf(IllegalTransitionError);
    expect(await db.prisma.job.count({ where: { subject_id: request.id } })).toBe(0);

    const { upload, job } = await receiveUpload(db.prisma, { filename: "requested.bin", storage_key: "objects/requested" }, { uploadId: request.id, claim: token! });
    expect(upload).toMatchObject({ state: "received", claim_token: null, storage_key: "objects/requested" });
    expect(job.state).toBe("queued");
  });

  it("gives a failed completion's reservation up, so the request takes another", async () => {
    const request = await createRequestedUpload(db.prisma, { filename: "retried.bin", uploader_id: uploaderId, storage_key: "tmp/retried" });
    const token = await reserveRequest(db.prisma, request.id, "tmp/retried");
    await releaseRequest(db.prisma, request.id, token!, { storage_key: null });
    expect(await rowOf(request.id)).toMatchObject({ state: "requested", claim_token: null, storage_key: null });
  });

  it("deletes an upload and its job together, and only in the state it was read in", async () => {
    const { upload } = await received("deleted.bin");
    expect(await deleteUpload(db.prisma, upload.id, "committed")).toBe(false);
    expect(await deleteUpload(db.prisma, upload.id, "received")).toBe(true);
    expect(await db.prisma.upload.count({ where: { id: upload.id } })).toBe(0);
    expect(await db.prisma.job.count({ where: { subject_id: upload.id } })).toBe(0);
  });
});
