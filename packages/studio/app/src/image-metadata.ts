import { api, apiBase, ApiError, errorMessage, type Resource } from "./api.js";

/** Where crops centre, each 0..1 from the image's left and top edge (DatoCMS `focal_point`). */
export interface FocalPoint {
  x: number;
  y: number;
}

/** One locale's default metadata of an image (DatoCMS `default_field_metadata.<locale>`). */
export interface LocaleMetadata {
  alt?: string | null;
  title?: string | null;
  focal_point?: FocalPoint | null;
  custom_data?: Record<string, unknown>;
}

type FieldMetadata = Record<string, LocaleMetadata>;

/** The locale the studio edits: the first the image has, else `en`. */
export function editedLocale(item: Resource): string {
  return Object.keys(fieldMetadata(item))[0] ?? "en";
}

export function fieldMetadata(item: Resource): FieldMetadata {
  const value = item.attributes.default_field_metadata;
  return value && typeof value === "object" ? (value as FieldMetadata) : {};
}

export function localeMetadata(item: Resource): LocaleMetadata {
  return fieldMetadata(item)[editedLocale(item)] ?? {};
}

/**
 * The image-asset plugin's DatoCMS profile, which keeps images' metadata: its base is the part
 * of the thumbnail link before `/assets/` (the profile's prefix is configurable).
 */
export function profileBase(item: Resource): string {
  const thumbnail = item.links?.thumbnail;
  const at = thumbnail ? thumbnail.indexOf("/assets/") : -1;
  return thumbnail && at > 0 ? thumbnail.slice(0, at) : `${apiBase}/datocms`;
}

/** The whole image, not the grid's crop, so a click on it maps to the image's own 0..1 frame. */
export function previewUrl(item: Resource): string | undefined {
  const thumbnail = item.links?.thumbnail;
  if (!thumbnail || item.attributes.is_image !== true) return thumbnail;
  const url = new URL(thumbnail, location.href);
  url.search = new URLSearchParams({ w: "720", h: "720", fit: "max", auto: "format" }).toString();
  return url.toString();
}

interface JobAnswer {
  data: { type: string; id: string };
}

interface JobResult {
  data: { attributes: { status: number; payload: unknown } };
}

/**
 * Changes the edited locale's metadata with DatoCMS's partial update (`PUT /uploads/:id`).
 * DatoCMS answers a job for it; the result is read from `/job-results/:id` (a 404 until done).
 */
export async function saveLocaleMetadata(item: Resource, patch: LocaleMetadata, signal?: AbortSignal): Promise<void> {
  const locale = editedLocale(item);
  const all = fieldMetadata(item);
  const metadata = { ...all, [locale]: { ...(all[locale] ?? {}), ...patch } };
  const base = profileBase(item);
  const answer = await api<JobAnswer>(`${base}/uploads/${item.id}`, {
    method: "PUT",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ data: { type: "upload", id: item.id, attributes: { default_field_metadata: metadata } } }),
    signal,
  });
  if (answer?.data?.type !== "job") return;
  for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
    try {
      const result = await api<JobResult>(`${base}/job-results/${answer.data.id}`, { headers: { Accept: "application/json" }, signal });
      const { status, payload } = result.data.attributes;
      if (status >= 400) throw new ApiError(status, errorMessage(payload) ?? `update failed (${status})`);
      return;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
