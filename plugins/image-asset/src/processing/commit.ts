/**
 * The commit of a processed upload: one transaction with the state change writes the
 * Resource (type `image_asset`) and its ImageAsset row, from the analysis step's facts and
 * the client's attributes. An upload that names its resource replaces that asset's file
 * (DatoCMS's `PUT /uploads/:id` with a new `path`), keeping what the client does not give.
 */
import { type CommitHook, type Prisma, type Upload, UnrecoverableError, sanitizeFilename } from "@assets/core";
import { clientMetadata, type ClientMetadata } from "../model/client-metadata.js";
import { basenameOf, withBasename } from "../model/file-name.js";
import { IMAGE_ASSET_TYPE } from "../model/image-asset-type.js";
import { localeRowsWrite } from "../model/locale-texts.js";
import { uploadTypeOf } from "../model/upload-type.js";
import { IMAGE_ANALYSIS, type ImageAnalysisResult } from "./image-processor.js";

type Tx = Prisma.TransactionClient;

/** The extension as DatoCMS's `format` of a file that is not an image (`pdf`, `zip`). */
function extensionOf(filename: string): string | null {
  const dot = filename.lastIndexOf(".");
  return dot > 0 && dot < filename.length - 1 ? filename.slice(dot + 1).toLowerCase() : null;
}

/** The file half of an ImageAsset: what the bytes say, replaced whenever the file is. */
function fileColumns(upload: Upload, result: ImageAnalysisResult, meta: ClientMetadata) {
  if (!upload.storage_key) throw new UnrecoverableError("The upload has no stored bytes");
  // A replacement's PUT may rename it too (`basename`).
  const filename = meta.basename === undefined ? sanitizeFilename(upload.filename) : withBasename(upload.filename, meta.basename);
  const common = {
    storage_key: upload.storage_key,
    path: `/${upload.uuid}/${filename}`,
    basename: basenameOf(filename),
    filename,
    size: BigInt(result.size),
    md5: result.md5,
    sha256: upload.sha256,
  };
  if (!result.is_image) {
    return {
      ...common, is_image: false, type: uploadTypeOf(upload.mime_type), format: extensionOf(filename), mime_type: upload.mime_type, width: null, height: null,
      frame_count: null, has_alpha: false, resolution: null, orientation: null, blurhash: null, thumbhash: null,
      colors: [], exif_info: {}, thumbnail_key: null,
    };
  }
  return {
    ...common, is_image: true, type: uploadTypeOf(result.mime_type), format: result.format, mime_type: result.mime_type, width: result.width, height: result.height,
    frame_count: result.frame_count, has_alpha: result.has_alpha, resolution: result.resolution, orientation: result.orientation,
    blurhash: result.blurhash, thumbhash: result.thumbhash, colors: result.colors as unknown as Prisma.InputJsonValue,
    exif_info: result.exif_info as Prisma.InputJsonValue, thumbnail_key: result.thumbnail.key,
  };
}

/** The client's half: given attributes win; the file's embedded author/copyright fill in on creation. */
function clientColumns(meta: ClientMetadata, result: ImageAnalysisResult, creating: boolean) {
  const embedded = result.is_image && creating ? { author: result.author ?? null, copyright: result.copyright ?? null } : {};
  return {
    ...embedded,
    ...(meta.author !== undefined ? { author: meta.author } : {}),
    ...(meta.copyright !== undefined ? { copyright: meta.copyright } : {}),
    ...(meta.notes !== undefined ? { notes: meta.notes } : {}),
    ...(meta.default_field_metadata !== undefined
      ? { default_field_metadata: meta.default_field_metadata as Prisma.InputJsonValue, locales: localeRowsWrite(meta.default_field_metadata, creating) }
      : {}),
    ...(meta.upload_collection_id !== undefined ? { upload_collection_id: meta.upload_collection_id } : {}),
  };
}

async function checkCollection(tx: Tx, id: number | null | undefined): Promise<void> {
  if (id === undefined || id === null) return;
  if (!(await tx.uploadCollection.findUnique({ where: { id }, select: { id: true } }))) throw new UnrecoverableError(`Upload collection ${id} does not exist`);
}

/** The CommitHook of the `image_asset` type. */
export const commitImageUpload: CommitHook = async (tx, { upload, results }) => {
  const result = results[IMAGE_ANALYSIS] as ImageAnalysisResult | undefined;
  if (!result) throw new UnrecoverableError("The upload was not analysed");
  const meta = clientMetadata(upload.metadata);
  await checkCollection(tx, meta.upload_collection_id);
  if (upload.resource_id !== null) {
    const resource = await tx.resource.findUnique({ where: { id: upload.resource_id }, select: { type: true, image_asset: { select: { id: true } } } });
    if (!resource) throw new UnrecoverableError(`Resource ${upload.resource_id} no longer exists`);
    if (resource.type !== IMAGE_ASSET_TYPE || !resource.image_asset) throw new UnrecoverableError(`Resource ${upload.resource_id} is a ${resource.type}, not an image asset`);
    await tx.imageAsset.update({ where: { id: resource.image_asset.id }, data: { ...fileColumns(upload, result, meta), ...clientColumns(meta, result, false) } });
    if (meta.tags !== undefined) await tx.resource.update({ where: { id: upload.resource_id }, data: { tags: meta.tags } });
    return { resourceId: upload.resource_id };
  }
  const file = fileColumns(upload, result, meta);
  const resource = await tx.resource.create({
    data: {
      type: IMAGE_ASSET_TYPE,
      name: file.filename,
      owner_id: upload.uploader_id,
      tags: meta.tags ?? [],
      image_asset: { create: { ...file, ...clientColumns(meta, result, true) } },
    },
  });
  return { resourceId: resource.id };
};
