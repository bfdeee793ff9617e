import type { Upload } from "@assets/core";
import { formatDateTime } from "../model/date-time.js";
import { rasterSourceAttributes } from "../model/raster-source-attributes.js";
import type { LizardUrls } from "./lizard-urls.js";
import type { RasterSourceView } from "./rastersource-service.js";

/** A raster source in Lizard API v4's shape (every field of its sample, same names and JSON types), plus this engine's extras. */
export function serializeRasterSource(view: RasterSourceView, urls: LizardUrls) {
  const { resource, writable } = view;
  const { size, dtype, fill_value, width, height, band_count, cloud_optimized, overviews, ...described } = rasterSourceAttributes(view.raster);
  const organisation = resource.organisation;
  return {
    id: resource.id,
    uuid: resource.uuid,
    url: urls.rastersource(resource.uuid),
    name: resource.name,
    description: resource.description,
    organisation: organisation ? { url: urls.organisation(organisation.uuid), uuid: organisation.uuid, name: organisation.name } : null,
    access_modifier: resource.access_modifier,
    supplier: resource.owner?.username ?? null,
    ...described,
    created: formatDateTime(resource.created_at),
    last_modified: formatDateTime(resource.updated_at),
    writable,
    layers: view.layers.map(urls.raster),
    labeltypes: view.labeltypes.map(urls.labeltype),
    size,
    dtype,
    fill_value,
    width,
    height,
    band_count,
    cloud_optimized,
    overviews,
  };
}

/** One upload of a source, as Lizard's `/rastersources/{uuid}/uploads/` lists it. */
export function serializeSourceUpload(upload: Upload) {
  return {
    id: upload.id,
    filename: upload.filename,
    created_at: formatDateTime(upload.created_at),
    updated_at: formatDateTime(upload.updated_at),
    state: upload.state,
    state_detail: upload.state_detail,
  };
}
