import { accessibleUploads } from "../access/accessible.js";
import type { ResourceAction } from "../access/ability.js";
import { authorize } from "../access/authorize.js";
import type { ObjectStore } from "./object-store.js";
import { deleteUpload } from "./upload-states.js";
import { Errors } from "../errors/index.js";
import type { Prisma, Upload } from "../generated/prisma/client.js";
import { listPage, type ListPage } from "../query/list-page.js";
import { normalizeUuid, parseRowId } from "../query/parse-value.js";
import type { ListQuery } from "../query/types.js";
import type { ServiceContext } from "../services/service-context.js";
import { UPLOAD_FIELDS } from "./upload-fields.js";

/** Upload reads, inside the caller's permissions (inherited from the resource, or as uploader). */
export class UploadService {
  async list(ctx: ServiceContext, query: ListQuery, scope: Prisma.UploadWhereInput = {}): Promise<ListPage<Upload>> {
    return listPage(ctx.db.upload, query, { fields: UPLOAD_FIELDS, where: [scope, accessibleUploads(ctx.ability, "view")] });
  }

  async get(ctx: ServiceContext, idOrUuid: string, action: ResourceAction = "view"): Promise<Upload> {
    const id = parseRowId(idOrUuid);
    const uuid = normalizeUuid(idOrUuid);
    const key: Prisma.UploadWhereInput = id !== null ? { id } : uuid ? { uuid } : { id: -1 };
    return authorize(ctx, "Upload", key, action, (where) => ctx.db.upload.findFirst({ where }), {
      notFound: `Upload '${idOrUuid}' not found`,
      forbidden: `You may not ${action} upload ${idOrUuid}`,
    });
  }

  /**
   * Deletes an upload that is not being processed, and its bytes when no other
   * upload shares them. Its jobs go with it.
   */
  async delete(ctx: ServiceContext, idOrUuid: string, objects: ObjectStore): Promise<void> {
    const row = await this.get(ctx, idOrUuid, "delete");
    if (row.state === "processing") throw Errors.CONFLICT({ detail: `Upload ${row.id} is being processed; delete it once it is committed or rejected` });
    // Its bytes are now part of the resource (e.g. a raster's time step): they go when the resource does.
    if (row.state === "committed" && row.resource_id !== null) {
      throw Errors.CONFLICT({ detail: `Upload ${row.id} is committed to resource ${row.resource_id}; delete or change the resource instead` });
    }
    if (!(await deleteUpload(ctx.db, row.id, row.state))) throw Errors.CONFLICT({ detail: `Upload ${row.id} changed state meanwhile; try again` });
    if (row.storage_key?.startsWith("objects/") && row.sha256) await objects.release(row.sha256);
    else if (row.storage_key && !row.storage_key.startsWith("objects/")) await objects.discard({ tmpKey: row.storage_key });
  }
}
