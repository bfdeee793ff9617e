/**
 * An ImageAsset row as DatoCMS upload attributes (the type's own half: the resource adds
 * created_at, updated_at and tags). `url` belongs to the profile, which knows its prefix.
 */

/** The ImageAsset columns the attributes read. */
export interface ImageAssetRecord {
  path: string;
  basename: string;
  filename: string;
  size: bigint;
  md5: string;
  is_image: boolean;
  format: string | null;
  mime_type: string | null;
  width: number | null;
  height: number | null;
  frame_count: number | null;
  resolution: string | null;
  orientation: string | null;
  blurhash: string | null;
  thumbhash: string | null;
  colors: unknown;
  exif_info: unknown;
  author: string | null;
  copyright: string | null;
  notes: string | null;
  duration: number | null;
  frame_rate: number | null;
  default_field_metadata: unknown;
  smart_tags: string[];
}

/** DatoCMS's names and types; `size` as a number (JSON), exact below 2^53 bytes. */
export function imageAssetAttributes(asset: ImageAssetRecord): Record<string, unknown> {
  return {
    size: Number(asset.size),
    width: asset.width,
    height: asset.height,
    path: asset.path,
    basename: asset.basename,
    filename: asset.filename,
    format: asset.format,
    author: asset.author,
    copyright: asset.copyright,
    notes: asset.notes,
    md5: asset.md5,
    duration: asset.duration,
    frame_rate: asset.frame_rate,
    blurhash: asset.blurhash,
    thumbhash: asset.thumbhash,
    default_field_metadata: asset.default_field_metadata,
    is_image: asset.is_image,
    mime_type: asset.mime_type,
    smart_tags: asset.smart_tags,
    exif_info: asset.exif_info,
    colors: asset.colors,
    resolution: asset.resolution,
    orientation: asset.orientation,
    frame_count: asset.frame_count,
  };
}
