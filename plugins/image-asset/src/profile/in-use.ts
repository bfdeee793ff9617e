/**
 * DatoCMS's `in_use` and `/uploads/:id/references`. An upload is in use when another resource
 * refers to it (in DatoCMS: a record's file field): the core's `ResourceUse` rows, which any
 * client records with `PUT /resources/:id/uses/:field`, and which the core's
 * `GET /resources/:id/references` lists too.
 */
import { Errors, parseBooleanFlag, type Prisma, type ResourceReference } from "@assets/core";

/** The keys DatoCMS spells the filter with. */
const KEYS = ["filter[fields][in_use][eq]", "filter[fields][in_use]"];

/**
 * Takes `filter[fields][in_use][eq]` out of the parameters (the rest go to the core's dialect) and
 * returns whether the request asks for uploads in use (undefined: either).
 */
export function takeInUseFilter(params: URLSearchParams): boolean | undefined {
  let inUse: boolean | undefined;
  for (const key of [...params.keys()]) {
    if (!key.startsWith("filter[fields][in_use]")) continue;
    if (!KEYS.includes(key)) throw Errors.INVALID_PARAMETER({ detail: "in_use takes eq with true or false", source: { parameter: key } });
    inUse = parseBooleanFlag(params.get(key)!, key);
    params.delete(key);
  }
  return inUse;
}

/** The resources `in_use` asks for: referred to by some resource (true), by none (false), either. */
export function inUseWhere(inUse: boolean | undefined): Prisma.ResourceWhereInput {
  if (inUse === undefined) return {};
  return inUse ? { used_by: { some: {} } } : { used_by: { none: {} } };
}

/** The resources that are not in use: what DatoCMS lets a delete remove. */
export const NOT_IN_USE: Prisma.ResourceWhereInput = { used_by: { none: {} } };

/** A DatoCMS `item` standing for a resource that refers to an upload (the referrer's type as its item type). */
export interface DatocmsReferrer {
  type: "item";
  id: string;
  attributes: { name: string | null; field: string | null };
  relationships: { item_type: { data: { type: "item_type"; id: string } } };
}

/** A reference as DatoCMS's `GET /uploads/:id/references` renders the records using an upload. */
export function serializeReferrer(reference: ResourceReference): DatocmsReferrer {
  return {
    type: "item",
    id: reference.id,
    attributes: { name: reference.name ?? null, field: reference.field ?? null },
    relationships: { item_type: { data: { type: "item_type", id: reference.type } } },
  };
}
