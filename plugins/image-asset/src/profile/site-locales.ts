/**
 * The site's locales, as DatoCMS's `GET /site` answers them (`locales: [...]`, the first the main
 * one): the locales `default_field_metadata` is kept in, and the ones `locale` may name.
 */
import { AppError, Errors } from "@assets/core";
import type { LocaleMetadata } from "../model/client-metadata.js";
import { DatocmsErrors } from "./datocms-errors.js";

/** A BCP 47-like locale code (`en`, `pt-BR`, `zh-Hant-TW`). */
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;

/** The configured locales: `all` in order, `main` the first. */
export interface SiteLocales {
  readonly all: readonly string[];
  readonly main: string;
}

/** DatoCMS's default for a site made with one language. */
export const DEFAULT_LOCALES: readonly string[] = ["en"];

/** Checks the plugin option `locales` (at least one, each a locale code, none twice). */
export function siteLocales(given: readonly string[] = DEFAULT_LOCALES): SiteLocales {
  if (given.length === 0) throw new AppError("INVALID_LOCALES", 500, "Invalid configuration", { detail: "imageAssetPlugin({ locales }) needs at least one locale" });
  for (const locale of given) {
    if (!LOCALE.test(locale)) throw new AppError("INVALID_LOCALES", 500, "Invalid configuration", { detail: `imageAssetPlugin({ locales }): '${locale}' is not a locale code` });
  }
  if (new Set(given).size !== given.length) throw new AppError("INVALID_LOCALES", 500, "Invalid configuration", { detail: "imageAssetPlugin({ locales }) names a locale twice" });
  return { all: [...given], main: given[0]! };
}

/** The `locale` query parameter: the main locale when absent; a locale the site does not have is a 422. */
export function requestLocale(locales: SiteLocales, params: URLSearchParams): string {
  const locale = params.get("locale");
  if (locale === null || locale === "") return locales.main;
  if (!locales.all.includes(locale)) {
    throw Errors.INVALID_PARAMETER({ detail: `'${locale}' is not one of the site's locales (${locales.all.join(", ")})`, source: { parameter: "locale" } });
  }
  return locale;
}

/** Refuses `default_field_metadata` keyed by a locale the site does not have (DatoCMS: 422 INVALID_FIELD). */
export function checkLocales(locales: SiteLocales, metadata: Readonly<Record<string, unknown>>): void {
  const unknown = Object.keys(metadata).filter((locale) => !locales.all.includes(locale));
  if (unknown.length > 0) {
    throw DatocmsErrors.INVALID_FIELD("default_field_metadata", `default_field_metadata has locales the site does not have: ${unknown.join(", ")} (the site's: ${locales.all.join(", ")})`);
  }
}

/** What DatoCMS keeps for a locale nobody has written to. */
const blank = (): Required<LocaleMetadata> => ({ alt: null, title: null, custom_data: {}, focal_point: null });

/** `metadata` with every site locale present, each with all four keys (absent ones as DatoCMS fills them). */
export function fillLocales(locales: SiteLocales, metadata: unknown): Record<string, LocaleMetadata> {
  const given = typeof metadata === "object" && metadata !== null && !Array.isArray(metadata) ? (metadata as Record<string, LocaleMetadata>) : {};
  const filled: Record<string, LocaleMetadata> = {};
  for (const locale of locales.all) filled[locale] = { ...blank(), ...given[locale] };
  // A locale the site no longer has keeps what it had.
  for (const [locale, values] of Object.entries(given)) filled[locale] ??= values;
  return filled;
}
