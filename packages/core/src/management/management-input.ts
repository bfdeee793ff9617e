import { z } from "zod";
import { MAX_ROW_ID } from "../query/parse-value.js";
import { ROLES } from "./management-fields.js";

// Ids are PostgreSQL integers: a larger one cannot exist and must not reach the database.
const rowId = z.number().int().positive().max(MAX_ROW_ID);

/** Scopes an API key may carry; `read` limits the key to view and download. */
export const API_KEY_SCOPES = ["read"] as const;

const name = z.string().trim().min(1).max(255);
const username = z.string().trim().min(1).max(150).regex(/^[\w.@+-]+$/, "letters, digits and @.+-_ only");
const email = z.email().max(254).nullable();

/** `POST /users`. */
export const userCreate = z.strictObject({ username, email: email.optional(), is_superuser: z.boolean().optional() });
/** `PATCH /users/:id`. */
export const userPatch = userCreate.partial();

/** `POST /organisations` and `PATCH /organisations/:id`. */
export const organisationInput = z.strictObject({ name });

/** `POST /groups`. */
export const groupCreate = z.strictObject({ name, organisation_id: rowId.nullable().optional() });
/** `PATCH /groups/:id`: only the name; moving a group between organisations is a superuser's delete and create. */
export const groupPatch = z.strictObject({ name });

/** `POST /organisations/:id/members` and `POST /groups/:id/members`: the user by id or username. */
export const memberCreate = z
  .strictObject({ user_id: rowId.optional(), username: z.string().min(1).optional(), role: z.enum(ROLES).optional() })
  .refine((v) => v.user_id !== undefined || v.username !== undefined, { message: "give user_id or username", path: ["user_id"] });
/** `PATCH …/members/:userId`. */
export const memberPatch = z.strictObject({ role: z.enum(ROLES) });

/** `POST /api-keys`; `user_id` (someone else's key) is for superusers. */
export const apiKeyCreate = z.strictObject({
  name: z.string().trim().max(255).optional(),
  scopes: z.array(z.enum(API_KEY_SCOPES)).max(API_KEY_SCOPES.length).optional(),
  user_id: rowId.optional(),
});
