import type { Request } from "express";
import type { Db } from "../db/open-database.js";
import { Errors } from "../errors/index.js";
import type { PrincipalCache } from "./principal-cache.js";
import { apiKeyPrincipal, loadPrincipal } from "./principal-loader.js";
import { ANONYMOUS, type Principal } from "./principal.js";

export { loadPrincipal } from "./principal-loader.js";

/**
 * A host application's own authentication: return the signed-in user (by id
 * or username), or null to fall back to API keys and then anonymous access.
 */
export type HostAuthenticate = (req: Request) => Promise<HostIdentity | null> | HostIdentity | null;
export type HostIdentity = { userId: number } | { username: string };

/** The API key a request presents, from any of the accepted places. */
export function presentedKey(req: Request): string | null {
  const header = req.get("x-api-key");
  if (header) return header.trim();
  const authorization = req.get("authorization");
  if (!authorization) return null;
  const [scheme, value = ""] = authorization.trim().split(/\s+/, 2);
  switch (scheme?.toLowerCase()) {
    case "bearer":
    case "api-key":
    case "token":
      return value;
    case "basic": {
      // Lizard's form: username `__key__`, the key as password.
      const decoded = Buffer.from(value, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon < 0 || decoded.slice(0, colon) !== "__key__") {
        throw Errors.UNAUTHENTICATED({ detail: "Basic authentication takes the username __key__ and an API key as password" });
      }
      return decoded.slice(colon + 1);
    }
    default:
      throw Errors.UNAUTHENTICATED({ detail: `Unsupported authorization scheme '${scheme}'` });
  }
}

/**
 * Resolves the caller: the host's own authentication first, then an API key.
 * No credentials means anonymous; bad or revoked credentials are a 401, never
 * a silent downgrade to anonymous. With a `cache`, a key verified a moment ago
 * is not looked up again (see {@link PrincipalCache}). Explicit grants are not
 * part of the principal: permission filters test them on the resource rows.
 */
export async function authenticateRequest(db: Db, req: Request, host?: HostAuthenticate, cache?: PrincipalCache): Promise<Principal> {
  if (host) {
    const identity = await host(req);
    if (identity) {
      const principal = await loadPrincipal(db, "userId" in identity ? { id: identity.userId } : { username: identity.username });
      if (!principal) throw Errors.UNAUTHENTICATED({ detail: "The signed-in user is unknown here" });
      return principal;
    }
  }
  const key = presentedKey(req);
  if (key === null) return ANONYMOUS;
  const principal = cache ? await cache.get(key, () => apiKeyPrincipal(db, key)) : await apiKeyPrincipal(db, key);
  if (!principal) throw Errors.UNAUTHENTICATED({ detail: "Invalid or revoked API key" });
  return principal;
}
