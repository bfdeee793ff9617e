import type { CollectionRecord } from "./upload-collection-service.js";

/** DatoCMS's reference to an upload collection. */
export interface CollectionLinkage {
  type: "upload_collection";
  id: string;
}

/** A DatoCMS `upload_collection` resource object (`RawApiTypes.UploadCollection`). */
export interface DatocmsUploadCollection extends CollectionLinkage {
  attributes: { label: string; position: number };
  relationships: { parent: { data: CollectionLinkage | null }; children: { data: CollectionLinkage[] } };
}

const linkage = (id: number): CollectionLinkage => ({ type: "upload_collection", id: String(id) });

/** Renders a collection as DatoCMS does: label and position, parent and children (in position order). */
export function serializeCollection(record: CollectionRecord): DatocmsUploadCollection {
  return {
    ...linkage(record.id),
    attributes: { label: record.label, position: record.position },
    relationships: {
      parent: { data: record.parent_id === null ? null : linkage(record.parent_id) },
      children: { data: record.children.map((child) => linkage(child.id)) },
    },
  };
}
