import { fileURLToPath } from "node:url";
import { definePlugin, type AssetPlugin } from "@assets/core";
import { imageAssetAttributes, type ImageAssetRecord } from "./model/image-asset-attributes.js";
import { IMAGE_ASSET_FIELDS } from "./model/image-asset-fields.js";
import { IMAGE_ASSET_TYPE } from "./model/image-asset-type.js";
import { commitImageUpload } from "./processing/commit.js";
import { imageAnalysisProcessor, type ImageProcessorOptions } from "./processing/image-processor.js";

/** Options of {@link imageAssetPlugin}. */
export type ImageAssetPluginOptions = ImageProcessorOptions;

/**
 * The image-asset plugin: DatoCMS-style media assets (any file; images analysed: size,
 * EXIF, placeholders, palette, thumbnail) as the asset type `image_asset`, with its tables
 * (ImageAsset, UploadCollection) and migrations. The DatoCMS profile (its router under
 * `/datocms`) and the delivery route come next; the delivery transforms are ready
 * (`deliverImage`).
 */
export function imageAssetPlugin(options: ImageAssetPluginOptions = {}): AssetPlugin {
  return definePlugin({
    name: "image-asset",
    migrations: fileURLToPath(new URL("../prisma/migrations", import.meta.url)),
    types: [
      {
        key: IMAGE_ASSET_TYPE,
        relation: "image_asset",
        fields: IMAGE_ASSET_FIELDS,
        // The core hands over `resource.image_asset`, the ImageAsset row.
        attributes: (record) => imageAssetAttributes(record as unknown as ImageAssetRecord),
        processors: [imageAnalysisProcessor(options)],
        commit: commitImageUpload,
      },
    ],
  });
}
