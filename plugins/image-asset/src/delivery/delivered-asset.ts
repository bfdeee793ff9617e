/**
 * The asset behind a delivery URL (`/assets/<upload uuid>/<filename>`, DatoCMS's `path`),
 * loaded with the caller's read permission inside the query: an asset the caller may not
 * read is a 404, whether or not it exists.
 */
import { authorize, type ServiceContext, type StorageDriver } from "@assets/core";
import { IMAGE_ASSET_TYPE } from "../model/image-asset-type.js";
import type { StoredImage } from "./deliver-image.js";

/** A delivered asset: its stored original and whether anyone may read it (decides Cache-Control). */
export interface DeliveredAsset {
  /** Public assets may be kept by shared caches; others only by the caller's own. */
  public: boolean;
  /** Images can be transformed; any other file is served as it is. */
  isImage: boolean;
  image: StoredImage;
}

const NOT_FOUND = "The asset does not exist, or you may not read it";

/** Loads the asset at `path` (`/<id>/<filename>`) if the caller may read it. */
export async function findDeliveredAsset(ctx: ServiceContext, storage: StorageDriver, path: string): Promise<DeliveredAsset> {
  const resource = await authorize(
    ctx,
    "Resource",
    { type: IMAGE_ASSET_TYPE, image_asset: { is: { path } } },
    "view",
    (where) =>
      ctx.db.resource.findFirst({
        where,
        select: {
          id: true,
          access_modifier: true,
          image_asset: {
            select: {
              storage_key: true, sha256: true, md5: true, is_image: true, mime_type: true, format: true,
              width: true, height: true, frame_count: true, has_alpha: true, default_field_metadata: true,
            },
          },
        },
      }),
    { notFound: NOT_FOUND, forbidden: NOT_FOUND },
  );
  const asset = resource.image_asset!;
  const focalPoint = focalPointOf(asset.default_field_metadata);
  return {
    public: resource.access_modifier === "Public",
    isImage: asset.is_image,
    image: {
      sha256: asset.sha256 ?? asset.md5,
      mimeType: asset.mime_type ?? "application/octet-stream",
      open: () => storage.get(asset.storage_key),
      source: {
        width: asset.width ?? 0,
        height: asset.height ?? 0,
        pages: asset.frame_count ?? 1,
        format: asset.format ?? "",
        hasAlpha: asset.has_alpha,
        ...(focalPoint ? { focalPoint } : {}),
      },
    },
  };
}

/** The first locale's focal point of DatoCMS's `default_field_metadata`, if any gives one. */
function focalPointOf(metadata: unknown): { x: number; y: number } | undefined {
  if (!metadata || typeof metadata !== "object") return undefined;
  for (const locale of Object.values(metadata as Record<string, unknown>)) {
    const point = (locale as { focal_point?: unknown } | null)?.focal_point as { x?: unknown; y?: unknown } | null | undefined;
    if (point && typeof point.x === "number" && typeof point.y === "number") return { x: point.x, y: point.y };
  }
  return undefined;
}
