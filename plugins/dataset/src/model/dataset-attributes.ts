import type { Dataset } from "@assets/core";

/** The Dataset row's JSON:API attributes (core `/resources`): GeoNode's names. */
export function datasetAttributes(dataset: Dataset): Record<string, unknown> {
  const ll = [dataset.ll_bbox_x0, dataset.ll_bbox_y0, dataset.ll_bbox_x1, dataset.ll_bbox_y1];
  return {
    subtype: dataset.subtype,
    alternate: dataset.alternate,
    srid: dataset.srid,
    feature_count: dataset.feature_count,
    geometry_type: dataset.geometry_type,
    ll_bbox: ll.every((v) => v !== null) ? ll : null,
    is_published: dataset.is_published,
    is_approved: dataset.is_approved,
    featured: dataset.featured,
  };
}
