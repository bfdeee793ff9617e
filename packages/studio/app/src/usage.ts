import { api, type Resource } from "./api.js";

/** The Lizard profile's view of a raster source: the layers and label types that render it. */
interface LizardRasterSource {
  layers?: string[];
  labeltypes?: string[];
}

const lizardSource = (item: Resource) => `/api/v4/rastersources/${item.attributes.uuid}/`;

/**
 * What uses the asset, in words, or null when nothing does (or the API says nothing about it):
 * a raster source is used by the Lizard layers and label types it feeds.
 */
export async function usageOf(item: Resource): Promise<string | null> {
  if (item.attributes.in_use === true) return "the API marks it in use";
  if (item.type !== "raster_source") return null;
  const source = await api<LizardRasterSource>(`${lizardSource(item)}?format=json`, { headers: { Accept: "application/json" } });
  const layers = source.layers?.length ?? 0;
  const labeltypes = source.labeltypes?.length ?? 0;
  return layers || labeltypes ? `${layers} layer(s) and ${labeltypes} label type(s) render it, and would break` : null;
}

/**
 * Deletes through the API that knows the asset's dependants: a raster source through the Lizard
 * profile (which refuses one in use with a 409 unless forced), anything else as a resource.
 */
export async function deleteAsset(item: Resource, force: boolean): Promise<void> {
  if (item.type !== "raster_source") {
    await api(`/resources/${item.id}`, { method: "DELETE" });
    return;
  }
  // A layer added since the question makes this a 409, whose message the panel shows.
  await api(`${lizardSource(item)}?format=json`, {
    method: "DELETE",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(force ? { force: true } : {}),
  });
}
