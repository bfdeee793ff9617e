import type { Principal } from "../auth/principal.js";
import type { ListOptions } from "../query/field-catalog.js";

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
 * The list options one caller's request is parsed with: the endpoint's options
 * plus the policy's `canReadField`, so the one parse of the query string also
 * rejects (400) filters and sorts on fields the caller may not read.
 */
export function listOptionsFor<O extends ListOptions>(options: O, principal: Principal, policy: FieldReadPolicy | undefined): O {
  return policy ? { ...options, canReadField: policy(principal) } : options;
}
