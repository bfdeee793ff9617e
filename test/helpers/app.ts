import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "@jest/globals";
import express from "express";
import { pino } from "pino";
import {
  BullMqQueue,
  InProcessQueue,
  LocalDiskStorage,
  createAssetRouter,
  createPipeline,
  createTestDatabase,
  defaultMigrationsDir,
  issueApiKey,
  migrate,
  type AssetPlugin,
  type Database,
  type Pipeline,
  type PipelineOptions,
  type StorageDriver,
} from "@assets/core";

/** A test logger that stays quiet unless LOG_LEVEL asks otherwise. */
export const testLogger = pino({ level: process.env.LOG_LEVEL ?? "silent" });

const cleanups: (() => Promise<void>)[] = [];
// Every pipeline a test file makes is stopped after the file, whatever the file's own hooks do.
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Options for {@link createTestPipeline}. */
export interface TestPipelineOptions extends Partial<Omit<PipelineOptions, "db" | "storage">> {
  /** `auto` (default): BullMQ when REDIS_URL is set, else in-process. */
  backend?: "auto" | "in-process" | "bullmq";
  /** Start consuming jobs in this process (default true). */
  worker?: boolean;
  /** The storage driver over the temporary root (default: LocalDiskStorage there). */
  storageAt?: (root: string) => StorageDriver;
}

/**
 * A pipeline over local-disk storage in a fresh temporary directory, with the
 * job backend the environment asks for (a queue of its own on Redis), its
 * worker running. Stopped and removed after the test file.
 */
export async function createTestPipeline(db: Database, options: TestPipelineOptions = {}): Promise<Pipeline & { root: string }> {
  // The plugins' tables (the core's migrations are applied already: this is a no-op for them).
  if (options.plugins?.length) await migrate(db, defaultMigrationsDir, options.plugins);
  const root = await mkdtemp(join(tmpdir(), "assets-files-"));
  const storage = options.storageAt?.(root) ?? new LocalDiskStorage({ root });
  const backend = options.backend === "auto" || !options.backend ? (process.env.REDIS_URL ? "bullmq" : "in-process") : options.backend;
  const queue =
    options.queue ??
    (backend === "bullmq"
      ? new BullMqQueue({ url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", name: `test-${process.pid}-${Math.random().toString(36).slice(2)}` })
      : new InProcessQueue());
  const pipeline = createPipeline({ log: testLogger, retry: { backoffBaseMs: 50, leaseMs: 2000 }, ...options, db, storage, queue });
  if (options.worker !== false) await pipeline.startWorker(4);
  cleanups.push(async () => {
    await pipeline.close();
    await rm(root, { recursive: true, force: true });
  });
  return Object.assign(pipeline, { root });
}

/** A fresh database, a pipeline and an Express app with the asset router at `mount`. */
export async function createTestApp(options: { mount?: string; plugins?: AssetPlugin[]; pipeline?: TestPipelineOptions } = {}) {
  const db: Database = await createTestDatabase({ plugins: options.plugins });
  const pipeline = await createTestPipeline(db, { plugins: options.plugins, ...options.pipeline });
  const app = express();
  app.use(options.mount ?? "/", createAssetRouter({ pipeline, logger: testLogger }));
  // Closing the database stops the pipeline first, so no job is cut off mid-write by a closed connection.
  const close = async () => {
    await pipeline.close();
    await db.close();
  };
  return { db: { ...db, close }, app, pipeline };
}

/** Creates a user (optionally superuser, with organisation roles) and returns an API key for them. */
export async function userWithKey(
  db: Database,
  username: string,
  options: { superuser?: boolean; organisations?: { id: number; role: "member" | "editor" | "admin" }[]; groups?: number[]; scopes?: string[] } = {},
) {
  const user = await db.prisma.user.create({
    data: {
      username,
      is_superuser: options.superuser ?? false,
      memberships: { create: (options.organisations ?? []).map((o) => ({ organisation_id: o.id, role: o.role })) },
      group_members: { create: (options.groups ?? []).map((group_id) => ({ group_id })) },
    },
  });
  const key = await issueApiKey(db.prisma, user.id, { scopes: options.scopes });
  return { user, key: key.secret, auth: { Authorization: `Bearer ${key.secret}` } };
}
