/**
 * DatoCMS's derived upload attributes: `resolution` and `orientation`, which its uploads
 * filter on (`filter[fields][resolution][eq]=large`).
 */

/** DatoCMS's resolution classes, from smallest to largest. */
export type Resolution = "icon" | "small" | "medium" | "large";
/** DatoCMS's orientation classes. */
export type Orientation = "landscape" | "portrait" | "square";

/**
 * Upper bounds (inclusive, in pixels of the longer side) of the first three resolution
 * classes; anything larger is `large`. DatoCMS documents the four names but not where one
 * ends and the next begins (neither the CMA nor the GraphQL filter docs give numbers), so
 * these are this project's choice and configurable.
 */
export interface ResolutionThresholds {
  icon: number;
  small: number;
  medium: number;
}

/** Defaults for {@link ResolutionThresholds}: favicon-sized, web-sized, full-HD-sized. */
export const DEFAULT_RESOLUTION_THRESHOLDS: Readonly<ResolutionThresholds> = { icon: 128, small: 1024, medium: 2048 };

/** The resolution class of an image displayed at `width` x `height`. */
export function resolutionOf(width: number, height: number, thresholds: ResolutionThresholds = DEFAULT_RESOLUTION_THRESHOLDS): Resolution {
  const side = Math.max(width, height);
  if (side <= thresholds.icon) return "icon";
  if (side <= thresholds.small) return "small";
  if (side <= thresholds.medium) return "medium";
  return "large";
}

/** Landscape when wider than tall, portrait when taller, square when equal. */
export function orientationOf(width: number, height: number): Orientation {
  if (width > height) return "landscape";
  if (height > width) return "portrait";
  return "square";
}
