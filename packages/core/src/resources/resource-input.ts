import { z } from "zod";
import { MAX_ROW_ID } from "../query/parse-value.js";
import { ACCESS_MODIFIERS, normalizeAccessModifier } from "../access/access-modifiers.js";

const accessModifier = z.preprocess(
  (value) => (typeof value === "number" || typeof value === "string" ? normalizeAccessModifier(String(value)) : value),
  z.enum(ACCESS_MODIFIERS),
);

/** Attributes a client may set on any resource. */
export const resourceAttributes = z.object({
  name: z.string().trim().min(1).max(255),
  description: z.string().max(100_000).optional(),
  access_modifier: accessModifier.optional(),
  tags: z.array(z.string().max(255)).max(1000).optional(),
  extra_metadata: z.record(z.string(), z.unknown()).optional(),
  organisation_id: z.number().int().positive().max(MAX_ROW_ID).nullable().optional(),
});

export type ResourceInput = z.infer<typeof resourceAttributes> & { type: string };
export const resourcePatch = resourceAttributes.partial().omit({ organisation_id: true });
export type ResourcePatch = z.infer<typeof resourcePatch>;
