/**
 * The one place that imports sharp for this plugin and sets it up: libvips' operation
 * cache is off (it keeps decoded images around between unrelated requests, which is the
 * memory growth strapi#26046 and directus#22025 report), so memory follows the work in hand.
 */
import sharp from "sharp";

sharp.cache(false);

export default sharp;
export type { Sharp, Metadata, SharpOptions } from "sharp";
