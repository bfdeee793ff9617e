import type { CommitHook } from "@assets/core";
import { DOCUMENT_TYPE } from "../model/dataset-type.js";
import { applyFormGrants } from "./form-grants.js";
import { datasetUploadMetadata } from "./form-metadata.js";

/** Commits a document (any non-geo file): a Resource of type `document` and its Dataset row of subtype `document`. */
export const commitDocumentUpload: CommitHook = async (tx, { upload }) => {
  const form = datasetUploadMetadata(upload.metadata);
  const resource = await tx.resource.create({
    data: {
      type: DOCUMENT_TYPE,
      name: form.dataset_title ?? upload.filename,
      description: form.abstract ?? "",
      owner_id: upload.uploader_id,
      dataset: { create: { subtype: "document", storage_key: upload.storage_key, filename: upload.filename, mime_type: upload.mime_type } },
    },
    select: { id: true },
  });
  await applyFormGrants(tx, resource.id, form.grants ?? []);
  return { resourceId: resource.id };
};
