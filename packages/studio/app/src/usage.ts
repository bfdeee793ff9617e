import { api, type Resource } from "./api.js";

/** `GET /resources/:id/references`: what depends on an asset, as its type's plugin reports it. */
interface References {
  data: { type: string; id: string; attributes: { name: string | null } }[];
  meta: { total_count: number; in_use: boolean };
}

/** "2 raster_layer(s) and 1 label_type(s)". */
function describe(references: References["data"]): string {
  const counts = new Map<string, number>();
  for (const r of references) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const parts = [...counts].map(([type, n]) => `${n} ${type}(s)`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : parts[0]!;
}

/**
 * What uses the asset, in words, or null when nothing does: the API's one answer for every type
 * (each plugin fills it: a raster source's layers and label types, the records using an image).
 */
export async function usageOf(item: Resource): Promise<string | null> {
  const references = await api<References>(`/resources/${item.id}/references`);
  if (!references.meta.in_use) return null;
  const names = references.data.map((r) => r.attributes.name).filter(Boolean);
  return `${describe(references.data)} use it${names.length ? ` (${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""})` : ""}, and would break`;
}

/**
 * Deletes the asset; one in use only with `force` (the user said yes to the question). A
 * dependant added since the question makes an unforced delete a 409, whose message the panel shows.
 */
export async function deleteAsset(item: Resource, force: boolean): Promise<void> {
  await api(`/resources/${item.id}${force ? "?force=true" : ""}`, { method: "DELETE" });
}
