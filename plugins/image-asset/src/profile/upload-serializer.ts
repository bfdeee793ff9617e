import type { ImageAsset, Resource } from "@assets/core";
import { imageAssetAttributes } from "../model/image-asset-attributes.js";
import { fillLocales, type SiteLocales } from "./site-locales.js";

/** A Resource of type `image_asset` with its ImageAsset row: one DatoCMS upload. */
export type UploadRecord = Resource & { image_asset: ImageAsset | null };

/** A DatoCMS `upload` resource object (`ApiTypes.Upload`'s raw shape). */
export interface DatocmsUpload {
  type: "upload";
  id: string;
  attributes: Record<string, unknown>;
  relationships: {
    creator: { data: { type: "user"; id: string } | null };
    upload_collection: { data: { type: "upload_collection"; id: string } | null };
  };
}

/**
 * Renders an upload as DatoCMS does. `assetsBase` is the absolute URL of the delivery route
 * (`<origin><mount><prefix>/assets`); `url` is it followed by the upload's `path`. With the
 * site's `locales`, `default_field_metadata` has each of them, filled as DatoCMS fills a locale
 * nobody has written to (an asset ingested through the core, or made before the locale was added).
 */
export function serializeUpload(record: UploadRecord, assetsBase: string, locales?: SiteLocales): DatocmsUpload {
  const asset = record.image_asset;
  if (!asset) throw new Error(`Resource ${record.id} has no image asset row`); // the service only loads image assets
  const collection = asset.upload_collection_id;
  return {
    type: "upload",
    id: String(record.id),
    attributes: {
      ...imageAssetAttributes(asset),
      ...(locales ? { default_field_metadata: fillLocales(locales, asset.default_field_metadata) } : {}),
      url: `${assetsBase}${asset.path}`,
      mux_playback_id: null,
      mux_mp4_highest_res: null,
      tags: record.tags,
      created_at: record.created_at.toISOString(),
      updated_at: record.updated_at.toISOString(),
    },
    relationships: {
      creator: { data: record.owner_id === null ? null : { type: "user", id: String(record.owner_id) } },
      upload_collection: { data: collection === null ? null : { type: "upload_collection", id: String(collection) } },
    },
  };
}
