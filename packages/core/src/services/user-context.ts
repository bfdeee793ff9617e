import type { Logger } from "pino";
import { defineAbilityFor } from "../access/ability.js";
import { loadPrincipal } from "../auth/principal-loader.js";
import type { Db } from "../db/open-database.js";
import type { ServiceContext } from "./service-context.js";

/**
 * The service context of user `userId` as it is now (roles, groups, superuser), for work done on
 * their behalf outside a request, e.g. a job they asked for: services then apply their
 * permissions in the query as they would in the request. `scopes` are the key's they used.
 * Null when the user no longer exists.
 */
export async function userServiceContext(db: Db, userId: number, log: Logger, scopes: string[] = []): Promise<ServiceContext | null> {
  const principal = await loadPrincipal(db, { id: userId }, scopes);
  return principal ? { db, principal, ability: defineAbilityFor(principal), log } : null;
}
