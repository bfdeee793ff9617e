import { randomUUID } from "node:crypto";
import { AppError } from "../errors/index.js";
import type { Job, JobState, Prisma, Upload, UploadState } from "../generated/prisma/client.js";
import type { Db } from "../db/open-database.js";

/**
 * The upload state machine, the only writer of an upload's `state`, its
 * claim (`claim_token`, `lease_expires_at`) and its processing job's state:
 * every move is one guarded UPDATE, and the job moves with it in the same
 * transaction, so the two never disagree.
 */

/** Every legal move of an upload's state; anything else is an error, never a silent overwrite. */
export const UPLOAD_TRANSITIONS: Readonly<Record<UploadState, readonly UploadState[]>> = {
  requested: ["received", "rejected"],
  received: ["processing", "rejected"],
  processing: ["committed", "rejected", "retry", "processing"],
  retry: ["processing", "rejected"],
  committed: [],
  rejected: [],
};

/** Job kind of the one job each upload gets. */
export const PROCESS_UPLOAD = "upload.process";

/** The state of an upload's processing job while the upload is in each state (a `requested` upload has none yet). */
const JOB_STATE: Readonly<Record<Exclude<UploadState, "requested">, JobState>> = {
  received: "queued",
  processing: "running",
  retry: "retry",
  committed: "succeeded",
  rejected: "failed",
};

/** Raised when an upload is not in the state a transition expects (another worker moved it first). */
export class IllegalTransitionError extends AppError {
  constructor(uploadId: number, from: readonly UploadState[], to: UploadState) {
    super("ILLEGAL_TRANSITION", 409, "Illegal upload state transition", { detail: `Upload ${uploadId} is not in state ${from.join(" or ")}, so it cannot become ${to}` });
  }
}

type Client = Db | Prisma.TransactionClient;

/** Columns a caller may write along with a move; the state and the claim are the state machine's. */
export type UploadChanges = Omit<Prisma.UploadUpdateManyMutationInput, "state" | "claim_token" | "lease_expires_at">;

/** Columns of a new upload; its state and claim are the state machine's. */
export type NewUpload = Omit<Prisma.UploadUncheckedCreateInput, "id" | "state" | "claim_token" | "lease_expires_at">;

/** What goes with a move besides the new state. */
export interface Transition {
  /** Other columns of the upload. */
  data?: UploadChanges;
  /** Further conditions the row must meet. */
  guard?: Prisma.UploadWhereInput;
  /** Only while this claim is held (a worker's lease, a completion's reservation); the move releases it. */
  claim?: string;
  /** Columns of the upload's processing job, written with its matching state. */
  job?: Omit<Prisma.JobUpdateManyMutationInput, "state" | "finished_at">;
}

/** Runs `work` in a transaction, or in the caller's when `db` already is one. */
function inTransaction<T>(db: Client, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return "$transaction" in db ? db.$transaction(work) : work(db);
}

/** Writes the state of upload `uploadId`'s processing job to match the upload's `to`. */
async function moveJob(tx: Prisma.TransactionClient, uploadId: number, to: Exclude<UploadState, "requested">, data: Transition["job"] = {}): Promise<void> {
  const finished = to === "committed" || to === "rejected";
  await tx.job.updateMany({ where: { kind: PROCESS_UPLOAD, subject_id: uploadId }, data: { ...data, state: JOB_STATE[to], ...(finished ? { finished_at: new Date() } : {}) } });
}

/**
 * Moves an upload from one of `from` to an end or `retry` state in one
 * guarded UPDATE (`WHERE state IN (from) AND <guard>`), releasing its claim,
 * and moves its job along in the same transaction. Throws
 * {@link IllegalTransitionError} if no row matched, so two workers can never
 * both make the same move. (`received` is reached through
 * {@link receiveUpload}, `processing` through {@link claimUpload}.)
 */
export async function transitionUpload(
  db: Client,
  uploadId: number,
  from: readonly UploadState[],
  to: "committed" | "rejected" | "retry",
  transition: Transition = {},
): Promise<void> {
  for (const state of from) {
    if (!UPLOAD_TRANSITIONS[state].includes(to)) throw new IllegalTransitionError(uploadId, from, to);
  }
  const { data = {}, guard = {}, claim, job } = transition;
  await inTransaction(db, async (tx) => {
    const where: Prisma.UploadWhereInput = { AND: [{ id: uploadId, state: { in: [...from] } }, claim === undefined ? {} : { claim_token: claim }, guard] };
    const { count } = await tx.upload.updateMany({ where, data: { ...data, state: to, claim_token: null, lease_expires_at: null } });
    if (count === 0) throw new IllegalTransitionError(uploadId, from, to);
    await moveJob(tx, uploadId, to, job);
  });
}

/** Records a new upload waiting for its bytes (`requested`; no job yet). */
export function createRequestedUpload(db: Client, data: NewUpload): Promise<Upload> {
  return db.upload.create({ data: { ...data, state: "requested" } });
}

/** Whose new upload {@link receiveUpload} records, or which `requested` one it completes. */
export type Receipt =
  | { uploaderId: number }
  /** The `requested` upload to complete; with `claim`, only while that reservation (see {@link reserveRequest}) is held. */
  | { uploadId: number; claim?: string };

/**
 * Stored bytes become an upload in `received` with a queued processing job,
 * in one transaction: a new row of the uploader, or the `requested` row.
 */
export async function receiveUpload(db: Db, data: UploadChanges & NewUpload, receipt: Receipt): Promise<{ upload: Upload; job: Job }> {
  return db.$transaction(async (tx) => {
    let upload: Upload;
    if ("uploaderId" in receipt) {
      upload = await tx.upload.create({ data: { ...data, uploader_id: receipt.uploaderId, state: "received" } });
    } else {
      const guard: Prisma.UploadWhereInput = receipt.claim === undefined ? {} : { claim_token: receipt.claim };
      const where: Prisma.UploadWhereInput = { AND: [{ id: receipt.uploadId, state: "requested" }, guard] };
      const { count } = await tx.upload.updateMany({ where, data: { ...data, state: "received", claim_token: null, lease_expires_at: null } });
      if (count === 0) throw new IllegalTransitionError(receipt.uploadId, ["requested"], "received");
      upload = await tx.upload.findUniqueOrThrow({ where: { id: receipt.uploadId } });
    }
    const job = await tx.job.create({ data: { kind: PROCESS_UPLOAD, subject_id: upload.id, user_id: upload.uploader_id, payload: { uploadId: upload.id }, state: JOB_STATE.received } });
    return { upload, job };
  });
}

/**
 * Takes upload `uploadId` for processing if it is due: fresh (`received`),
 * due for a retry, or abandoned by a dead worker (its lease ran out). It
 * becomes `processing` under a new claim and lease, its job `running`, in one
 * transaction. Null when another worker holds it or it is not due.
 */
export async function claimUpload(db: Db, uploadId: number, lease: { ms: number; jobStartedAt: Date }): Promise<{ upload: Upload; token: string } | null> {
  const now = new Date();
  const token = randomUUID();
  return db.$transaction(async (tx) => {
    const { count } = await tx.upload.updateMany({
      where: {
        id: uploadId,
        OR: [
          { state: "received" },
          { state: "retry", OR: [{ next_attempt_at: null }, { next_attempt_at: { lte: now } }] },
          { state: "processing", OR: [{ lease_expires_at: null }, { lease_expires_at: { lt: now } }] },
        ],
      },
      data: { state: "processing", attempts: { increment: 1 }, claim_token: token, lease_expires_at: new Date(now.getTime() + lease.ms), next_attempt_at: null },
    });
    if (count === 0) return null;
    const upload = await tx.upload.findUniqueOrThrow({ where: { id: uploadId } });
    await moveJob(tx, uploadId, "processing", { attempts: upload.attempts, started_at: lease.jobStartedAt, error: null });
    return { upload, token };
  });
}

/**
 * Extends the lease of the worker holding `token` on a `processing` upload
 * until `until`. False when the claim is gone (another worker took it over).
 */
export async function renewUploadLease(db: Client, uploadId: number, token: string, until: Date): Promise<boolean> {
  const { count } = await db.upload.updateMany({ where: { id: uploadId, state: "processing", claim_token: token }, data: { lease_expires_at: until } });
  return count === 1;
}

/**
 * Reserves a `requested` upload whose bytes are at `storageKey` for one
 * completion, so a concurrent one is refused instead of racing for the
 * bytes. The token, or null when another completion holds it.
 */
export async function reserveRequest(db: Client, uploadId: number, storageKey: string): Promise<string | null> {
  const token = randomUUID();
  const { count } = await db.upload.updateMany({ where: { id: uploadId, state: "requested", storage_key: storageKey, claim_token: null }, data: { claim_token: token } });
  return count === 1 ? token : null;
}

/** Gives up a reservation of {@link reserveRequest} that did not complete, writing `data` with it. */
export async function releaseRequest(db: Client, uploadId: number, token: string, data: UploadChanges = {}): Promise<void> {
  await db.upload.updateMany({ where: { id: uploadId, state: "requested", claim_token: token }, data: { ...data, claim_token: null } });
}

/** Deletes an upload still in `state` and its processing job, in one transaction. False when it moved meanwhile. */
export async function deleteUpload(db: Db, uploadId: number, state: UploadState): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.upload.deleteMany({ where: { id: uploadId, state } });
    if (count) await tx.job.deleteMany({ where: { kind: PROCESS_UPLOAD, subject_id: uploadId } });
    return count > 0;
  });
}
