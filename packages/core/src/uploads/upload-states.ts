import { AppError } from "../errors/index.js";
import type { Prisma, UploadState } from "../generated/prisma/client.js";
import type { Db } from "../db/open-database.js";

/** Every legal move of an upload's state; anything else is an error, never a silent overwrite. */
export const UPLOAD_TRANSITIONS: Readonly<Record<UploadState, readonly UploadState[]>> = {
  requested: ["received", "rejected"],
  received: ["processing", "rejected"],
  processing: ["committed", "rejected", "retry", "processing"],
  retry: ["processing", "rejected"],
  committed: [],
  rejected: [],
};

/** Raised when an upload is not in the state a transition expects (another worker moved it first). */
export class IllegalTransitionError extends AppError {
  constructor(uploadId: number, from: readonly UploadState[], to: UploadState) {
    super("ILLEGAL_TRANSITION", 409, "Illegal upload state transition", { detail: `Upload ${uploadId} is not in state ${from.join(" or ")}, so it cannot become ${to}` });
  }
}

type Client = Db | Prisma.TransactionClient;

/**
 * Moves an upload from one of `from` to `to` in one guarded UPDATE
 * (`WHERE state IN (from) AND <guard>`); throws {@link IllegalTransitionError}
 * if no row matched, so two workers can never both make the same move.
 */
export async function transitionUpload(
  db: Client,
  uploadId: number,
  from: readonly UploadState[],
  to: UploadState,
  data: Omit<Prisma.UploadUpdateManyMutationInput, "state"> = {},
  guard: Prisma.UploadWhereInput = {},
): Promise<void> {
  for (const state of from) {
    if (!UPLOAD_TRANSITIONS[state].includes(to)) throw new IllegalTransitionError(uploadId, from, to);
  }
  const { count } = await db.upload.updateMany({ where: { AND: [{ id: uploadId, state: { in: [...from] } }, guard] }, data: { ...data, state: to } });
  if (count === 0) throw new IllegalTransitionError(uploadId, from, to);
}

/**
 * Extends the lease of the worker holding `token` on a `processing` upload
 * until `until`. False when the claim is gone (another worker took it over).
 */
export async function renewUploadLease(db: Client, uploadId: number, token: string, until: Date): Promise<boolean> {
  const { count } = await db.upload.updateMany({ where: { id: uploadId, state: "processing", claim_token: token }, data: { lease_expires_at: until } });
  return count === 1;
}
