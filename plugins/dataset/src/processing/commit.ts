/**
 * The commit of a processed vector dataset upload: one transaction, with the upload's state
 * change, writes the Resource (title, abstract), its Dataset row (CRS, bboxes, feature count,
 * geometry type, thumbnail), its attribute set with statistics and the grants the upload form
 * asked for. An upload sent for an existing dataset (overwrite) replaces that dataset's summary.
 */
import { type CommitHook, Prisma, type Upload, UnrecoverableError } from "@assets/core";
import { xsdType } from "../model/attribute-types.js";
import { DATASET_TYPE, type DatasetSubtype } from "../model/dataset-type.js";
import type { AttributeStatistics } from "../summary/attribute-statistics.js";
import type { DatasetSummary } from "../summary/summarize.js";
import { DATASET_SUMMARY, type DatasetSummaryResult } from "./dataset-processor.js";
import { applyFormGrants } from "./form-grants.js";
import { datasetUploadMetadata } from "./form-metadata.js";

type Tx = Prisma.TransactionClient;

/** The upload's filename without directories and extension, as GeoNode's layer name: [a-z0-9_]. */
export function layerName(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? filename;
  const dot = base.lastIndexOf(".");
  const stem = (dot > 0 ? base.slice(0, dot) : base).toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  return /^[a-z_]/.test(stem) ? stem : `layer_${stem || "data"}`;
}

/** `geonode:<name>`, suffixed with the upload's id when another dataset has the name. */
export async function uniqueAlternate(tx: Tx, name: string, upload: Upload): Promise<string> {
  const alternate = `geonode:${name}`;
  const taken = await tx.dataset.findUnique({ where: { alternate }, select: { id: true } });
  return taken ? `${alternate}_${upload.id}` : alternate;
}

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

function attributeRows(attributes: readonly AttributeStatistics[]): Prisma.DatasetAttributeCreateWithoutDatasetInput[] {
  return attributes.map((a, index) => ({
    attribute: a.attribute,
    attribute_type: xsdType(a.type),
    display_order: index + 1,
    count: a.count,
    min: text(a.min),
    max: text(a.max),
    average: text(a.average),
    median: text(a.median),
    stddev: text(a.stddev),
    sum: text(a.sum),
    unique_values: a.unique.values as Prisma.InputJsonValue,
    unique_complete: a.unique.complete,
  }));
}

/** The Dataset columns a vector summary fills. */
export function summaryColumns(summary: DatasetSummary, upload: Upload, thumbnailKey: string | null) {
  const [x0, y0, x1, y1] = summary.bbox ?? [null, null, null, null];
  const [lx0, ly0, lx1, ly1] = summary.wgs84Bbox ?? [null, null, null, null];
  return {
    subtype: "vector" as const satisfies DatasetSubtype,
    storage_key: upload.storage_key,
    filename: upload.filename,
    mime_type: upload.mime_type,
    format: summary.format,
    srid: summary.crs?.epsg ? `EPSG:${summary.crs.epsg}` : null,
    crs_wkt: summary.crs && !summary.crs.epsg ? summary.crs.definition : null,
    bbox_x0: x0, bbox_y0: y0, bbox_x1: x1, bbox_y1: y1,
    ll_bbox_x0: lx0, ll_bbox_y0: ly0, ll_bbox_x1: lx1, ll_bbox_y1: ly1,
    feature_count: summary.featureCount,
    geometry_type: summary.geometryType,
    thumbnail_key: thumbnailKey,
  };
}

/** The Dataset columns a processed upload fills (its summary, file and thumbnail). */
export type DatasetColumns = Omit<Prisma.DatasetCreateWithoutResourceInput, "alternate" | "attribute_set"> & { subtype: DatasetSubtype };

/** What a file of each subtype is called in the refusal to overwrite another subtype's dataset. */
const SUBTYPE_FILE: Partial<Record<DatasetSubtype, string>> = { vector: "a vector file", raster: "a GeoTIFF" };

/** Replaces the summary of the dataset of `columns.subtype` the upload was sent for. */
async function overwrite(tx: Tx, resourceId: number, columns: DatasetColumns, attributes: Prisma.DatasetAttributeCreateWithoutDatasetInput[]): Promise<number> {
  const resource = await tx.resource.findUnique({ where: { id: resourceId }, select: { type: true, dataset: { select: { id: true, subtype: true } } } });
  if (!resource) throw new UnrecoverableError(`Resource ${resourceId} no longer exists`);
  if (resource.type !== DATASET_TYPE || !resource.dataset) throw new UnrecoverableError(`Resource ${resourceId} is a ${resource.type}, not a dataset`);
  if (resource.dataset.subtype !== columns.subtype) {
    throw new UnrecoverableError(`Resource ${resourceId} is a ${resource.dataset.subtype} dataset; ${SUBTYPE_FILE[columns.subtype] ?? `a ${columns.subtype} file`} cannot replace it`);
  }
  await tx.datasetAttribute.deleteMany({ where: { dataset_id: resource.dataset.id } });
  await tx.dataset.update({ where: { id: resource.dataset.id }, data: { ...columns, attribute_set: { create: attributes } } });
  return resourceId;
}

/**
 * Writes a processed upload's dataset in the commit's transaction: for an upload sent for an
 * existing dataset (overwrite), replaces that dataset's columns and attributes (it must be of
 * the same subtype); else creates the Resource (title and abstract from the upload form, the
 * uploader its owner), its Dataset row with a unique alternate, the attributes and the grants
 * the form asked for. Answers the resource's id.
 */
export async function writeDataset(tx: Tx, upload: Upload, columns: DatasetColumns, attributes: Prisma.DatasetAttributeCreateWithoutDatasetInput[]): Promise<number> {
  if (upload.resource_id !== null) return overwrite(tx, upload.resource_id, columns, attributes);
  const form = datasetUploadMetadata(upload.metadata);
  const name = layerName(upload.filename);
  const resource = await tx.resource.create({
    data: {
      type: DATASET_TYPE,
      name: form.dataset_title ?? name,
      description: form.abstract ?? "",
      owner_id: upload.uploader_id,
      dataset: { create: { ...columns, alternate: await uniqueAlternate(tx, name, upload), attribute_set: { create: attributes } } },
    },
    select: { id: true },
  });
  await applyFormGrants(tx, resource.id, form.grants ?? []);
  return resource.id;
}

/** The commit hook of the `dataset` asset type; see the module comment. */
export const commitDatasetUpload: CommitHook = async (tx, { upload, results }) => {
  const result = results[DATASET_SUMMARY] as DatasetSummaryResult | undefined;
  if (!result) throw new UnrecoverableError("The dataset was not summarised");
  const columns = summaryColumns(result.summary, upload, result.thumbnail?.key ?? null);
  return { resourceId: await writeDataset(tx, upload, columns, attributeRows(result.summary.attributes)) };
};
