import type { Prisma } from "@assets/core";
import { DatocmsErrors } from "./datocms-errors.js";

/** DatoCMS's answer to a body that links a collection that does not exist. */
export const missingCollection = (id: number) => DatocmsErrors.INVALID_FIELD("upload_collection", `Upload collection '${id}' does not exist`);

/** Refuses (422 naming `upload_collection`) a link to a collection that does not exist; null and absent link to none. */
export async function assertCollectionExists(db: Pick<Prisma.TransactionClient, "uploadCollection">, id: number | null | undefined): Promise<void> {
  if (id === undefined || id === null) return;
  if (!(await db.uploadCollection.findUnique({ where: { id }, select: { id: true } }))) throw missingCollection(id);
}
