import { z } from "zod";
import { ACCESS_MODIFIERS, normalizeAccessModifier, normalizeUuid, UUID_TEXT } from "@assets/core";
import { parseInterval } from "../model/interval.js";

/** An access modifier by name ("Private", any case) or by Lizard's number (200). */
const accessModifier = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const name = normalizeAccessModifier(String(value));
  const found = ACCESS_MODIFIERS.find((m) => m === name);
  if (found) return found;
  ctx.issues.push({ code: "custom", message: `"${value}" is not a valid choice.`, input: value });
  return z.NEVER;
});

const UUID_AT_END = new RegExp(`(${UUID_TEXT})\\/?(?:\\?.*)?$`, "i");

/** An organisation by uuid, by its API URL, or as rendered (`{ url, uuid, name }`). */
const organisation = z.union([z.string(), z.object({ uuid: z.string() })]).transform((value, ctx) => {
  const text = (typeof value === "string" ? value : value.uuid).trim();
  const match = UUID_AT_END.exec(text);
  const uuid = match ? normalizeUuid(match[1]!) : null;
  if (uuid) return uuid;
  ctx.issues.push({ code: "custom", message: "Invalid hyperlink or UUID.", input: value });
  return z.NEVER;
});

/** Django duration text ("00:05:00", "1 02:00:00") to whole seconds; null clears it. */
const interval = z.union([z.string(), z.null()]).transform((value, ctx) => {
  if (value === null) return null;
  const parsed = parseInterval(value);
  if ("seconds" in parsed) return parsed.seconds;
  ctx.issues.push({ code: "custom", message: parsed.error, input: value });
  return z.NEVER;
});

const fields = {
  name: z.string().trim().min(1, "This field may not be blank.").max(255, "Ensure this field has no more than 255 characters."),
  description: z
    .string()
    .max(100_000)
    .nullable()
    .transform((value) => value ?? ""),
  organisation,
  access_modifier: accessModifier,
  supplier_code: z.string().trim().max(255, "Ensure this field has no more than 255 characters.").nullable(),
  temporal: z.boolean(),
  interval,
};

/** POST and PUT bodies: name and organisation are required, as in Lizard. */
export const rasterSourceCreate = z.object({
  ...fields,
  description: fields.description.optional(),
  access_modifier: fields.access_modifier.optional(),
  supplier_code: fields.supplier_code.optional(),
  temporal: fields.temporal.optional(),
  interval: fields.interval.optional(),
});

/** PATCH bodies: any writable field. Read-only fields (uuid, layers …) are ignored, as DRF does. */
export const rasterSourcePatch = z.object(fields).partial();

export type RasterSourceCreate = z.infer<typeof rasterSourceCreate>;
export type RasterSourcePatch = z.infer<typeof rasterSourcePatch>;

/** Whether a DELETE body asks to delete a source that is still in use (`{"force": true}`). */
export function forceRequested(body: unknown): boolean {
  if (typeof body !== "object" || body === null) return false;
  const force: unknown = (body as { force?: unknown }).force;
  return force === true || force === "true";
}
