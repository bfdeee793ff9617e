/** Loading a raster source for the data endpoints, with the caller's permissions in the query. */
import { authorize, Errors, normalizeUuid, type Prisma, type ServiceContext } from "@assets/core";
import { RASTER_SOURCE_TYPE } from "../model/raster-source-type.js";
import { LATEST_FIRST, STEP_FIELDS, type StepFile } from "./step-files.js";

const NOT_FOUND = "Not found.";
const FORBIDDEN = "You do not have permission to perform this action.";

/** What the data endpoints need of a source. */
export interface SourceRef {
  resourceId: number;
  uuid: string;
  sourceId: number | null;
  temporal: boolean;
  projection: string | null;
  fill_value: string | null;
  dtype: string | null;
  /** The source's latest step (loaded in the same query for `view`), or null without data. */
  latestStep: StepFile | null;
}

/**
 * The raster source `uuid` if the caller may `view` it (otherwise 404, hiding its existence);
 * for `change`, a visible source the caller may not change is a 403, as is any for anonymous callers.
 */
export async function findSource(ctx: ServiceContext, uuid: string, action: "view" | "change"): Promise<SourceRef> {
  // An anonymous caller can change nothing: a 403 (which the Lizard profile answers as 401 with a challenge), before any lookup.
  if (action === "change" && ctx.principal.kind === "anonymous") throw Errors.FORBIDDEN({ detail: FORBIDDEN });
  const key = normalizeUuid(uuid);
  if (!key) throw Errors.NOT_FOUND({ detail: NOT_FOUND });
  const find = (where: Prisma.ResourceWhereInput) =>
    ctx.db.resource.findFirst({
      where,
      select: {
        id: true,
        uuid: true,
        raster_source: {
          select: {
            id: true, temporal: true, projection: true, fill_value: true, dtype: true,
            // Window reads mostly want the latest step: one query instead of two per request.
            steps: { orderBy: [...LATEST_FIRST], take: action === "view" ? 1 : 0, select: STEP_FIELDS },
          },
        },
      },
    });
  const resource = await authorize(ctx, "Resource", { uuid: key, type: RASTER_SOURCE_TYPE }, action, find, { notFound: NOT_FOUND, forbidden: FORBIDDEN });
  const s = resource.raster_source;
  return {
    resourceId: resource.id,
    uuid: resource.uuid,
    sourceId: s?.id ?? null,
    temporal: s?.temporal ?? false,
    projection: s?.projection ?? null,
    fill_value: s?.fill_value ?? null,
    dtype: s?.dtype ?? null,
    latestStep: s?.steps[0] ?? null,
  };
}
