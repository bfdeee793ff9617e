import type { LocaleMetadata } from "./client-metadata.js";

/** One ImageAssetLocale row's values: a locale's alt and title. */
export interface LocaleTexts {
  locale: string;
  alt: string | null;
  title: string | null;
}

/**
 * The ImageAssetLocale rows of a default_field_metadata (a row per locale), which the list's
 * alt/title filters and its locale search read. Written with default_field_metadata, every time.
 */
export function localeTexts(metadata: Readonly<Record<string, LocaleMetadata>>): LocaleTexts[] {
  return Object.entries(metadata).map(([locale, values]) => ({ locale, alt: values.alt ?? null, title: values.title ?? null }));
}

/** The nested write that makes an asset's locale rows those of `metadata` (on create, or replacing the old ones). */
export function localeRowsWrite(metadata: Readonly<Record<string, LocaleMetadata>>, creating: boolean) {
  const create = localeTexts(metadata);
  return creating ? { create } : { deleteMany: {}, create };
}
