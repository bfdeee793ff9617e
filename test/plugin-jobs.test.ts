// Plugin-defined job kinds (issue 13 §3's async operations need them): a plugin's `jobs` run through
// the pipeline's one queue and are recorded on the same Job rows as uploads, on the in-process
// backend or BullMQ (REDIS_URL). Outcomes are read back from the database, not from the runner.
import { AppError, PluginRegistry, UnrecoverableError, createTestDatabase, definePlugin, type AssetPlugin, type Database, type Job, type Pipeline } from "@assets/core";
import { createTestPipeline } from "./helpers/app.js";

/** A plugin with three kinds: one that answers, one that refuses, one that fails once then answers. */
function countingPlugin(): AssetPlugin {
  const attempts = new Map<string, number>();
  return definePlugin({
    name: "counting",
    jobs: [
      { kind: "counting.double", run: async ({ job }) => ({ doubled: 2 * Number((job.payload as { n: number }).n) }) },
      {
        kind: "counting.refuse",
        run: async () => {
          throw new UnrecoverableError("Nothing to count");
        },
      },
      {
        kind: "counting.flaky",
        maxAttempts: 3,
        run: async ({ job, progress }) => {
          const seen = (attempts.get(job.id) ?? 0) + 1;
          attempts.set(job.id, seen);
          await progress(50);
          if (seen === 1) throw new Error("database hiccup");
          return { attempts: seen };
        },
      },
    ],
  });
}

async function settled(db: Database, id: string): Promise<Job> {
  for (;;) {
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id } });
    if (job.state === "succeeded" || job.state === "failed") return job;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("plugin job kinds through the pipeline's queue", () => {
  let db: Database;
  let pipeline: Pipeline;

  beforeAll(async () => {
    db = await createTestDatabase();
    pipeline = await createTestPipeline(db, { plugins: [countingPlugin()] });
  });
  afterAll(async () => {
    await pipeline.close();
    await db.close();
  });

  it("runs a job to succeeded with its result, the requester and subject recorded", async () => {
    const user = await db.prisma.user.create({ data: { username: "asker" } });
    const queued = await pipeline.jobs.enqueue({ kind: "counting.double", payload: { n: 21 }, subjectId: 7, userId: user.id });
    expect(queued).toMatchObject({ state: "queued", kind: "counting.double", subject_id: 7, user_id: user.id });
    const job = await settled(db, queued.id);
    expect(job).toMatchObject({ state: "succeeded", progress: 100, result: { doubled: 42 }, error: null, attempts: 1 });
    expect(job.finished_at).not.toBeNull();
  });

  it("ends an UnrecoverableError failed with its message, after one attempt", async () => {
    const job = await settled(db, (await pipeline.jobs.enqueue({ kind: "counting.refuse", payload: {} })).id);
    expect(job).toMatchObject({ state: "failed", error: "Nothing to count", attempts: 1, result: null });
  });

  it("retries a transient failure and then succeeds", async () => {
    const job = await settled(db, (await pipeline.jobs.enqueue({ kind: "counting.flaky", payload: {} })).id);
    expect(job).toMatchObject({ state: "succeeded", attempts: 2, result: { attempts: 2 } });
  });

  it("takes over a job whose worker died (running, no heartbeat for a lease) and leaves a live one alone", async () => {
    const stale = new Date(Date.now() - 60_000);
    const dead = await db.prisma.job.create({ data: { kind: "counting.double", payload: { n: 5 }, state: "running", attempts: 1, started_at: stale, updated_at: stale } });
    const live = await db.prisma.job.create({ data: { kind: "counting.double", payload: { n: 6 }, state: "running", attempts: 1, started_at: new Date() } });
    await pipeline.jobs.run(live.id); // a redelivery while its worker still beats: no second run
    expect(await db.prisma.job.findUniqueOrThrow({ where: { id: live.id } })).toMatchObject({ state: "running", attempts: 1, result: null });
    const report = await pipeline.sweeper.sweep(60_000);
    expect(report.requeued).toBeGreaterThanOrEqual(1);
    expect(await settled(db, dead.id)).toMatchObject({ state: "succeeded", attempts: 2, result: { doubled: 10 } });
    expect(await db.prisma.job.findUniqueOrThrow({ where: { id: live.id } })).toMatchObject({ state: "running", attempts: 1 });
    await db.prisma.job.delete({ where: { id: live.id } });
  });

  it("refuses an unknown kind at enqueue and a kind defined twice at registration", async () => {
    await expect(pipeline.jobs.enqueue({ kind: "counting.nothing", payload: {} })).rejects.toMatchObject({ code: "UNKNOWN_JOB_KIND" });
    const twice = () => new PluginRegistry([countingPlugin(), { ...countingPlugin(), name: "counting-2" }]);
    expect(twice).toThrow(AppError);
    expect(twice).toThrow("Job kind 'counting.double' is defined twice");
  });
});
