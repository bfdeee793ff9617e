import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import { Errors } from "../../errors/index.js";

/** Shortest secret accepted: an HMAC key with less entropy than this is guessable offline. */
const MIN_SECRET_LENGTH = 16;

/** The query parameters of a signed URL. */
export interface SignedParams {
  /** Unix seconds after which the URL is refused. */
  expires: number;
  /** base64url HMAC-SHA256 of `<METHOD>\n<id>\n<expires>`. */
  signature: string;
}

/**
 * Signs and checks capability URLs such as the PUT URL of an upload request:
 * the signature is HMAC-SHA256, with the server's secret, over the method,
 * the id the URL names and its expiry, so none of them can be changed.
 */
export class UrlSigner {
  readonly #secret: Buffer;

  constructor(secret: string) {
    if (secret.length < MIN_SECRET_LENGTH) throw new Error(`The URL signing secret must be at least ${MIN_SECRET_LENGTH} characters`);
    this.#secret = Buffer.from(secret, "utf8");
  }

  /** A random secret, good for one process only (URLs die with it). */
  static randomSecret(): string {
    return randomBytes(32).toString("base64url");
  }

  sign(method: string, id: string, expiresAt: Date): SignedParams {
    const expires = Math.floor(expiresAt.getTime() / 1000);
    return { expires, signature: this.#mac(method, id, expires).toString("base64url") };
  }

  /**
   * Throws INVALID_SIGNATURE (403) unless `signature` is ours for exactly this
   * method, id and expiry, then LINK_EXPIRED (410) when the expiry has passed.
   * The signature is checked first, so a tampered expiry is a 403 too.
   */
  verify(method: string, id: string, expires: unknown, signature: unknown, now = Date.now()): void {
    const seconds = typeof expires === "string" && /^\d{1,12}$/.test(expires) ? Number(expires) : NaN;
    const presented = typeof signature === "string" && /^[A-Za-z0-9_-]{1,128}$/.test(signature) ? Buffer.from(signature, "base64url") : Buffer.alloc(0);
    const expected = Number.isNaN(seconds) ? null : this.#mac(method, id, seconds);
    if (!expected || presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      throw Errors.INVALID_SIGNATURE({ detail: "The URL's signature does not match: use the URL exactly as the upload request returned it" });
    }
    if (seconds * 1000 <= now) {
      throw Errors.LINK_EXPIRED({ detail: `This upload URL expired at ${new Date(seconds * 1000).toISOString()}; create a new upload request` });
    }
  }

  #mac(method: string, id: string, expires: number): Buffer {
    return createHmac("sha256", this.#secret).update(`${method.toUpperCase()}\n${id}\n${expires}`).digest();
  }
}

/**
 * The signer for `secret`; without one, a random secret for this process,
 * with a warning: URLs signed here are refused by other processes and after a restart.
 */
export function urlSignerFor(secret: string | undefined, log: Logger): UrlSigner {
  if (secret) return new UrlSigner(secret);
  log.warn("No URL signing secret configured (signingSecret / UPLOAD_URL_SECRET): using a random one for this process. Set one when several processes serve the API or URLs must survive a restart.");
  return new UrlSigner(UrlSigner.randomSecret());
}
