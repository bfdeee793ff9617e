import { createHash } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { loadSharp } from "../libraries.js";
import { Errors, type ServiceContext, type StorageDriver } from "@assets/core";
import { crsFromEpsg } from "../crs/epsg.js";
import { crsFromWkt } from "../crs/prj.js";
import type { CrsInfo } from "../crs/crs-info.js";
import { DATASET_TYPE } from "../model/dataset-type.js";
import { openLayer } from "../readers/open-layer.js";
import { areaInWgs84, renderAreaThumbnail, type ThumbnailArea } from "../thumbnail/bbox-thumbnail.js";
import { API_THUMBNAIL_PREFIX, isOwnedKey } from "../operations/copy-resource.js";
import { ensureDataset } from "./favorite-service.js";
import { typeScope, type ResourceBaseService } from "./resource-base-service.js";

/** GeoNode's limit on a thumbnail upload ("File must not exceed 1MB"). */
export const MAX_THUMBNAIL_BYTES = 1_000_000;
/** Most pixels a thumbnail image may declare (a decompression bomb is refused before decoding). */
const MAX_THUMBNAIL_PIXELS = 25_000_000;
const PREFIX = API_THUMBNAIL_PREFIX;

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
    const decoder = loadSharp()({ limitInputPixels: MAX_THUMBNAIL_PIXELS, failOn: "error" }).png();
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

  /**
   * GeoNode's `set_thumbnail_from_bbox`: the features of the dataset's stored layer inside `area`
   * (within the processor's feature budget) drawn into a new thumbnail fitted to `area`. Vector
   * datasets only (405 for others, as GeoNode for a non-dataset); a dataset without a stored
   * layer gets an empty image of the area.
   */
  async drawFromBBox(ctx: ServiceContext, id: string, area: ThumbnailArea): Promise<void> {
    const row = await this.authorize(ctx, id);
    const dataset = await ctx.db.dataset.findUnique({ where: { resource_id: row.id }, select: { subtype: true, storage_key: true, filename: true, srid: true, crs_wkt: true } });
    if (row.type !== DATASET_TYPE) throw Errors.METHOD_NOT_ALLOWED({ detail: "Not implemented: Endpoint available only for Dataset and Maps" });
    if (dataset && dataset.subtype !== "vector") throw Errors.METHOD_NOT_ALLOWED({ detail: `Not implemented: a thumbnail from a bbox is drawn for vector datasets only, not ${dataset.subtype} ones` });
    const wgs84 = areaInWgs84(area);
    if (!wgs84) throw Errors.INVALID_BODY({ detail: "bbox: the bbox lies outside its srid's area of use" });
    const crs = dataset ? storedCrs(dataset) : null;
    let layer = null;
    if (dataset?.storage_key && crs) {
      const key = dataset.storage_key;
      const stat = await this.storage.stat(key);
      if (!stat) throw Errors.NOT_FOUND({ detail: "The stored file is missing." });
      const file = { size: stat.size, open: () => this.storage.get(key), openRange: (start: number, end: number) => this.storage.getRange(key, start, end), read: (offset: number, length: number) => this.storage.read(key, offset, length) };
      ({ layer } = await openLayer(file, dataset.filename ?? ""));
    }
    const image = await renderAreaThumbnail(layer, crs, area, wgs84);
    await this.store(ctx, row, image.png);
  }

  /** Stores a PNG as the resource's thumbnail, removing the previous one when only this resource referred to it. */
  async store(ctx: ServiceContext, row: { id: number; uuid: string; type: string }, png: Buffer): Promise<void> {
    const key = `${PREFIX}${row.uuid}-${createHash("sha256").update(png).digest("hex").slice(0, 16)}.png`;
    await this.storage.put(key, Readable.from([png]));
    await ensureDataset(ctx.db, row);
    const previous = await ctx.db.dataset.findUnique({ where: { resource_id: row.id }, select: { thumbnail_key: true } });
    await ctx.db.dataset.update({ where: { resource_id: row.id }, data: { thumbnail_key: key } });
    // The previous one goes if only this resource referred to it (set through the API, or a copy's).
    if (previous?.thumbnail_key && isOwnedKey(previous.thumbnail_key) && previous.thumbnail_key !== key) await this.storage.delete(previous.thumbnail_key);
  }
}

/** The CRS the processor recorded for a dataset's layer (null when it had none). */
function storedCrs(dataset: { srid: string | null; crs_wkt: string | null }): CrsInfo | null {
  const code = /^EPSG:(\d+)$/i.exec(dataset.srid ?? "")?.[1];
  if (code) return crsFromEpsg(Number(code));
  return dataset.crs_wkt ? crsFromWkt(dataset.crs_wkt) : null;
}
