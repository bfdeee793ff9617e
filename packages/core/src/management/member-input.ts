import type { z } from "zod";
import type { Db } from "../db/open-database.js";
import { Errors } from "../errors/index.js";
import type { memberCreate } from "./management-input.js";

/** The user a member request names (by id or username); unknown users are a 400 pointing at the attribute. */
export async function resolveMemberUser(db: Db, input: z.infer<typeof memberCreate>): Promise<{ id: number; username: string }> {
  const user = await db.user.findUnique({
    where: input.user_id !== undefined ? { id: input.user_id } : { username: input.username! },
    select: { id: true, username: true },
  });
  if (!user) {
    const [attribute, value] = input.user_id !== undefined ? ["user_id", input.user_id] : ["username", input.username];
    throw Errors.INVALID_BODY({ detail: `Unknown user '${value}'`, source: { pointer: `/data/attributes/${attribute}` } });
  }
  return user;
}
