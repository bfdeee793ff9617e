/** `Resource.type` of the plugin's assets, and the name of their 1:1 relation on Resource. */
export const IMAGE_ASSET_TYPE = "image_asset";
