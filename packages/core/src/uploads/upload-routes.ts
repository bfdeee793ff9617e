import type { Router } from "express";
import type { FieldReadPolicy } from "../access/field-policy.js";
import type { ListOptions } from "../query/field-catalog.js";
import { serializeUpload, UPLOAD_DOCUMENTS } from "./upload-serializer.js";
import type { UploadService } from "./upload-service.js";
import { collectionRouter } from "../http/collection-router.js";

/** `/uploads` reads: newest first unless `order_by` says otherwise. */
export function uploadReadRoutes(service: UploadService, listOptions: ListOptions, fieldPolicy?: FieldReadPolicy): Router {
  return collectionRouter({
    docs: { noun: "upload", tags: ["uploads"], documents: UPLOAD_DOCUMENTS },
    render: serializeUpload,
    list: { options: listOptions, fieldPolicy, run: (ctx, query) => service.list(ctx, query) },
    get: (ctx, id) => service.get(ctx, id),
  });
}
