import { useEffect, useState } from "preact/hooks";
import { api } from "./api.js";

/** A registered asset type as `GET /asset-types` lists it. */
export interface AssetType {
  id: string;
  attributes: {
    extensions: string[];
    mime_types: string[];
    max_upload_size: number | null;
    /** The `type` its resources are listed under (a raster dataset's: `dataset`), and the field values that single them out. */
    resource_type?: string;
    resource_filter?: Record<string, string>;
  };
}

/** The host's asset types, once loaded (empty until then, or when the API cannot say). */
export function useAssetTypes(): AssetType[] {
  const [types, setTypes] = useState<AssetType[]>([]);
  useEffect(() => {
    api<{ data: AssetType[] }>("/asset-types").then((doc) => setTypes(doc.data), () => setTypes([]));
  }, []);
  return types;
}

/** Vector files the dataset type reads on its own (a Shapefile comes zipped, so is picked by hand). */
const VECTOR_EXTENSIONS = [".geojson", ".fgb"];

/**
 * The asset type a dropped file goes to when the user has not chosen one: the type that declares
 * its extension or MIME type (a GeoTIFF: raster_source); else a vector file's `dataset`; else
 * `image_asset`, the media library's type for any file (as DatoCMS's uploads); else none, which
 * the API keeps as a bare upload.
 */
export function typeFor(file: { name: string; type: string }, types: AssetType[]): string | undefined {
  const at = file.name.lastIndexOf(".");
  const extension = at > 0 ? file.name.slice(at).toLowerCase() : "";
  const declared = types.find((t) => (extension && t.attributes.extensions.includes(extension)) || (file.type && t.attributes.mime_types.includes(file.type)));
  if (declared) return declared.id;
  const has = (id: string) => types.some((t) => t.id === id);
  if (VECTOR_EXTENSIONS.includes(extension) && has("dataset")) return "dataset";
  return has("image_asset") ? "image_asset" : undefined;
}
