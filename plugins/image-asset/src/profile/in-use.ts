/**
 * DatoCMS's `in_use` and `/uploads/:id/references`. An upload is in use when another resource
 * references it (in DatoCMS: a record's file field). The core models no reference from one
 * resource to another: a Resource relates to its owner, organisation, uploads and grants, and the
 * plugins' rows (RasterSource, Dataset, ImageAsset, ...) each belong to their own Resource only.
 * So no upload is in use today: `in_use=true` matches none, `in_use=false` every upload, and every
 * upload's references are `[]`. When a reference between resources is modelled, this module is
 * the one place that changes.
 */
import { Errors, parseBooleanFlag } from "@assets/core";

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

/** Whether any upload can match: none is in use (see above). */
export function inUseMatchesNothing(inUse: boolean | undefined): boolean {
  return inUse === true;
}
