import { createHash } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import sharp from "sharp";
import { Errors, type ServiceContext, type StorageDriver } from "@assets/core";
import { ensureDataset } from "./favorite-service.js";
import { typeScope, type ResourceBaseService } from "./resource-base-service.js";

/** GeoNode's limit on a thumbnail upload ("File must not exceed 1MB"). */
export const MAX_THUMBNAIL_BYTES = 1_000_000;
/** Most pixels a thumbnail image may declare (a decompression bomb is refused before decoding). */
const MAX_THUMBNAIL_PIXELS = 25_000_000;
/** Where thumbnails set through the API live (the processor's own sit under derivatives/). */
const PREFIX = "thumbnails/";

const ANY_TYPE = typeScope(null);

/** Passes at most `max` bytes, else fails with GeoNode's message. */
function byteLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > max ? Errors.INVALID_BODY({ detail: "File must not exceed 1MB" }) : null, chunk);
    },
  });
}

/**
 * GeoNode's `set_thumbnail`: an image (PNG, JPEG, WebP, GIF, TIFF: whatever sharp decodes)
 * of at most 1 MB, checked and re-encoded as PNG by sharp, stored through the storage driver,
 * becomes the resource's thumbnail. The caller must be able to change the resource (404 if
 * they cannot see it, 403 if they may not change it), checked before a byte is read.
 */
export class ThumbnailService {
  constructor(
    private readonly resources: ResourceBaseService,
    private readonly storage: StorageDriver,
  ) {}

  /** Checks the caller may change the resource; call before reading the image. */
  async authorize(ctx: ServiceContext, id: string) {
    return this.resources.authorize(ctx, id, "change", ANY_TYPE);
  }

  async set(ctx: ServiceContext, id: string, image: Readable): Promise<void> {
    const row = await this.authorize(ctx, id);
    const decoder = sharp({ limitInputPixels: MAX_THUMBNAIL_PIXELS, failOn: "error" }).png();
    let png: Buffer;
    try {
      const [, encoded] = await Promise.all([pipeline(image, byteLimit(MAX_THUMBNAIL_BYTES), decoder), decoder.toBuffer()]);
      png = encoded;
    } catch (error) {
      if (error instanceof Error && "status" in error) throw error;
      throw Errors.INVALID_BODY({ detail: "Invalid data provided: not an image", cause: error });
    }
    await this.store(ctx, row, png);
  }

  /** Stores a PNG as the resource's thumbnail, removing a previous API-set one. */
  async store(ctx: ServiceContext, row: { id: number; uuid: string; type: string }, png: Buffer): Promise<void> {
    const key = `${PREFIX}${row.uuid}-${createHash("sha256").update(png).digest("hex").slice(0, 16)}.png`;
    await this.storage.put(key, Readable.from([png]));
    await ensureDataset(ctx.db, row);
    const previous = await ctx.db.dataset.findUnique({ where: { resource_id: row.id }, select: { thumbnail_key: true } });
    await ctx.db.dataset.update({ where: { resource_id: row.id }, data: { thumbnail_key: key } });
    if (previous?.thumbnail_key?.startsWith(PREFIX) && previous.thumbnail_key !== key) await this.storage.delete(previous.thumbnail_key);
  }
}
