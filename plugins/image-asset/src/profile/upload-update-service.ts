import { type Job, type Prisma, type ServiceContext, type SignedUploads } from "@assets/core";
import { IMAGE_ASSET_TYPE } from "../model/image-asset-type.js";
import { renamedFile } from "../model/file-name.js";
import { localeRowsWrite } from "../model/locale-texts.js";
import { assertCollectionExists } from "./collection-exists.js";
import { fillLocales, type SiteLocales } from "./site-locales.js";
import { mergeFieldMetadata, type UploadChanges } from "./upload-body.js";
import type { DatocmsUploadService } from "./upload-service.js";

/**
 * Kind of the job a metadata-only update answers with. It has no upload (subject_id null, so the
 * core's `/jobs/:id` does not serve it); `payload.resourceId` names the asset.
 */
export const UPDATE_JOB_KIND = "datocms.upload_update";

/**
 * DatoCMS's `PUT /uploads/:id`, which answers a job as DatoCMS does. Without `path` the
 * attributes change at once, in one transaction with a job recorded as succeeded; with `path`
 * the new upload request is completed against the asset and the pipeline's job replaces the file
 * (the commit hook applies the attributes with it). `basename` renames the file: filename, path
 * and so url change, the extension and the id stay.
 */
export class UploadUpdateService {
  constructor(
    private readonly signed: SignedUploads,
    private readonly uploads: DatocmsUploadService,
    private readonly locales: SiteLocales,
  ) {}

  async update(ctx: ServiceContext, id: string, changes: UploadChanges): Promise<Job> {
    const upload = await this.uploads.get(ctx, id, changes.path === undefined ? "change_metadata" : "change");
    const asset = upload.image_asset!;
    const { metadata } = changes;
    const fieldMetadata = metadata.default_field_metadata && fillLocales(this.locales, mergeFieldMetadata(asset.default_field_metadata, metadata.default_field_metadata));
    if (changes.path !== undefined) {
      const given = { ...metadata, ...(changes.basename !== undefined ? { basename: changes.basename } : {}), ...(fieldMetadata ? { default_field_metadata: fieldMetadata } : {}) };
      const { job } = await this.signed.complete(ctx, changes.path, given, { type: IMAGE_ASSET_TYPE, resourceId: upload.id });
      return job;
    }
    return ctx.db.$transaction(async (tx) => {
      await assertCollectionExists(tx, metadata.upload_collection_id);
      await tx.imageAsset.update({
        where: { id: asset.id },
        data: {
          ...(changes.basename !== undefined ? renamedFile(asset, changes.basename) : {}),
          ...(metadata.author !== undefined ? { author: metadata.author } : {}),
          ...(metadata.copyright !== undefined ? { copyright: metadata.copyright } : {}),
          ...(metadata.notes !== undefined ? { notes: metadata.notes } : {}),
          ...(fieldMetadata ? { default_field_metadata: fieldMetadata as Prisma.InputJsonValue, locales: localeRowsWrite(fieldMetadata, false) } : {}),
          ...(metadata.upload_collection_id !== undefined ? { upload_collection_id: metadata.upload_collection_id } : {}),
        },
      });
      // The Resource carries updated_at (and tags): touched on every update.
      await tx.resource.update({ where: { id: upload.id }, data: { updated_at: new Date(), ...(metadata.tags !== undefined ? { tags: metadata.tags } : {}) } });
      const now = new Date();
      return tx.job.create({
        data: { kind: UPDATE_JOB_KIND, subject_id: null, user_id: ctx.principal.kind === "user" ? ctx.principal.id : null, payload: { resourceId: upload.id }, result: { resourceId: upload.id }, state: "succeeded", progress: 100, started_at: now, finished_at: now },
      });
    });
  }
}
