import type { LabelType, Organisation } from "@assets/core";
import { formatDateTime } from "../model/date-time.js";
import type { LayerView, WithSource } from "./dependent-service.js";
import type { LizardUrls } from "./lizard-urls.js";

/** An organisation as Lizard nests and serves it. */
export function serializeOrganisation(organisation: Organisation, urls: LizardUrls) {
  return { url: urls.organisation(organisation.uuid), uuid: organisation.uuid, name: organisation.name };
}

const sourceUrls = (row: WithSource<object>, urls: LizardUrls) => (row.source ? [urls.rastersource(row.source.resource.uuid)] : []);

/** What a layer or label type renders from: `deleted_sources` lists the sources force-deleted under it (their URLs, now 404). */
const sourceOf = (row: { deleted_sources: string[] }, urls: LizardUrls) => ({ deleted_sources: row.deleted_sources.map(urls.rastersource) });

/** A raster layer (`/api/v4/rasters/`), with a link to the source it renders. */
export function serializeLayer({ layer, organisation }: LayerView, urls: LizardUrls) {
  return {
    id: layer.id,
    uuid: layer.uuid,
    url: urls.raster(layer.uuid),
    name: layer.name,
    description: layer.description,
    organisation: organisation ? serializeOrganisation(organisation, urls) : null,
    access_modifier: layer.access_modifier,
    raster_sources: sourceUrls(layer, urls),
    source: sourceOf(layer, urls),
    created: formatDateTime(layer.created_at),
    last_modified: formatDateTime(layer.updated_at),
  };
}

/** A label type (`/api/v4/labeltypes/`), with a link to the source it computes labels from. */
export function serializeLabelType(labelType: WithSource<LabelType>, urls: LizardUrls) {
  return {
    id: labelType.id,
    uuid: labelType.uuid,
    url: urls.labeltype(labelType.uuid),
    name: labelType.name,
    raster_sources: sourceUrls(labelType, urls),
    source: sourceOf(labelType, urls),
    created: formatDateTime(labelType.created_at),
  };
}
