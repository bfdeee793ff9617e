import { Router } from "express";
import type { Principal } from "../auth/principal.js";
import { searchParams, serviceContext } from "../http/request-context.js";
import type { ListOptions } from "../query/field-catalog.js";
import { parseJsonApiQuery } from "../query/jsonapi-dialect.js";

/** Decides, per caller, which list fields they may filter or sort on (see `ListOptions.canReadField`). */
export type FieldReadPolicy = (principal: Principal) => (field: string) => boolean;

/**
 * Resources: anonymous callers may not filter or sort on `owner.username`, so
 * account names cannot be enumerated without signing in.
 */
export const resourceFieldPolicy: FieldReadPolicy = (principal) => (field) => !(principal.kind === "anonymous" && field === "owner.username");

/**
 * Uploads: `uploader.username` is never rendered on an upload (only the
 * creator's id) and usernames are only listed to superusers, so only they
 * may filter or sort on it.
 */
export const uploadFieldPolicy: FieldReadPolicy = (principal) => (field) =>
  field !== "uploader.username" || (principal.kind === "user" && principal.isSuperuser);

/**
 * Rejects (400) a JSON:API list request that filters or sorts on a field the
 * caller may not read, before the list route runs. The list routes take one
 * static `ListOptions`, so this guard re-parses the query with the caller's
 * `canReadField`; the parse is cheap and raises the same errors the list would.
 */
export function fieldReadGuard(options: ListOptions, policy: FieldReadPolicy): Router {
  const router = Router();
  router.get("/", (req, _res, next) => {
    parseJsonApiQuery(searchParams(req), { ...options, canReadField: policy(serviceContext(req).principal) });
    next();
  });
  return router;
}
