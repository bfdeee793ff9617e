import type { Request, RequestHandler } from "express";
import { Errors, normalizeUuid, serviceContext } from "@assets/core";

/** The `:uuid` of a detail path, canonicalised; anything that is not a uuid matches nothing (404). */
export function uuidParam(req: Request): string {
  const uuid = normalizeUuid(String(req.params.uuid ?? ""));
  if (!uuid) throw Errors.NOT_FOUND({ detail: "Not found." });
  return uuid;
}

/** DRF's `IsAuthenticatedOrReadOnly`: writes need a signed-in caller (401 before any validation). */
export const signedIn: RequestHandler = (req, _res, next) => {
  if (serviceContext(req).principal.kind === "anonymous") throw Errors.UNAUTHENTICATED({ detail: "Authentication credentials were not provided." });
  next();
};
