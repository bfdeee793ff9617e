/**
 * The one place that loads sharp for this plugin and sets it up: libvips' operation
 * cache is off (it keeps decoded images around between unrelated requests, which is the
 * memory growth strapi#26046 and directus#22025 report), so memory follows the work in hand.
 */
import { createRequire } from "node:module";
import type SharpModule from "sharp";

// Loaded on first use rather than with the plugin: sharp and libvips were ~17 MiB of the
// idle RSS of a server that had not touched an image yet. (sharp has a CommonJS build.)
const load = createRequire(import.meta.url);
let sharp: typeof SharpModule | undefined;

/** sharp, loaded and configured on the first call. */
export function loadSharp(): typeof SharpModule {
  if (!sharp) {
    sharp = load("sharp") as typeof SharpModule;
    sharp.cache(false);
  }
  return sharp;
}

export type { Sharp, Metadata, SharpOptions } from "sharp";
