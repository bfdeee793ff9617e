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

/**
 * Who the host says the caller is. A user the asset database does not know is
 * a 401, unless the identity asks to `provision` it: then the user is created
 * on first sight (a plain user: no superuser flag, no memberships; grant those
 * through the management API), as Directus's and Payload's external auth do.
 */
export type HostIdentity =
  | { userId: number }
  | {
      username: string;
      /** Create the user when it does not exist yet. */
      provision?: boolean;
      /** Stored on a provisioned user. */
      email?: string | null;
    };

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
      const where = "userId" in identity ? { id: identity.userId } : { username: identity.username };
      let principal = await loadPrincipal(db, where);
      if (!principal && "username" in identity && identity.provision) {
        // ON CONFLICT DO NOTHING: two first requests of one user at once create it once.
        await db.user.createMany({ data: [{ username: identity.username, email: identity.email ?? null }], skipDuplicates: true });
        principal = await loadPrincipal(db, where);
      }
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
