import { accessibleResources, authorize, Errors, listPage, parseRowId, resourcesUsing, type FieldCatalog, type ListQuery, type Prisma, type ResourceAction, type ServiceContext } from "@assets/core";
import { IMAGE_ASSET_TYPE } from "../model/image-asset-type.js";
import { DatocmsErrors } from "./datocms-errors.js";
import { inUseWhere, NOT_IN_USE, serializeReferrer, type DatocmsReferrer } from "./in-use.js";
import { DATOCMS_UPLOAD_FIELDS } from "./upload-fields.js";
import type { UploadRecord } from "./upload-serializer.js";

const INCLUDE = { image_asset: true } as const satisfies Prisma.ResourceInclude;

/** Only the plugin's assets; Hidden ones are left out of lists (they stay readable by id). */
const LISTED: Prisma.ResourceWhereInput = { type: IMAGE_ASSET_TYPE, access_modifier: { not: "Hidden" } };

/** One page of uploads and the count over all pages. */
export interface UploadPage {
  rows: UploadRecord[];
  total: number;
}

/**
 * DatoCMS uploads (Resources of type `image_asset`), read inside the caller's permissions: the
 * `view` filter is part of every query, so an asset the caller may not read is a 404.
 */
export class DatocmsUploadService {
  /** A page of `query` (parsed against `fields`, the catalog of the request's locale), `inUse` as DatoCMS's in_use filter. */
  async list(ctx: ServiceContext, query: ListQuery, fields: FieldCatalog = DATOCMS_UPLOAD_FIELDS, inUse?: boolean): Promise<UploadPage> {
    // Through `include`, not a find of our own: the SQL list path serves the page, and only it runs regular expressions.
    return listPage(ctx.db.resource, query, { fields, where: [LISTED, inUseWhere(inUse), accessibleResources(ctx.ability, "view")], include: INCLUDE });
  }

  /** The upload with this DatoCMS id the caller may view, then do `action` on (404 unseen, 403 seen but not allowed). */
  async get(ctx: ServiceContext, id: string, action: ResourceAction = "view"): Promise<UploadRecord> {
    const rowId = parseRowId(id);
    return authorize(ctx, "Resource", { id: rowId ?? -1, type: IMAGE_ASSET_TYPE }, action, (where) => ctx.db.resource.findFirst({ where, include: INCLUDE }), {
      notFound: { detail: `Upload '${id}' not found`, source: { parameter: "id" } },
      forbidden: `You may not ${action.replace("_", " ")} upload '${id}'`,
    });
  }

  /** The resources referring to an upload the caller may view (404 otherwise), as DatoCMS items. */
  async references(ctx: ServiceContext, id: string): Promise<DatocmsReferrer[]> {
    const upload = await this.get(ctx, id);
    return (await resourcesUsing(ctx, upload.id)).map(serializeReferrer);
  }

  /**
   * Deletes an upload the caller may delete (its ImageAsset row goes with the Resource); returns it
   * as it was. One in use is refused, as DatoCMS refuses it (422 DELETE_RESTRICTION), in the
   * deleting statement itself, so a reference recorded meanwhile is not lost.
   */
  async delete(ctx: ServiceContext, id: string): Promise<UploadRecord> {
    const upload = await this.get(ctx, id, "delete");
    const { count } = await ctx.db.resource.deleteMany({ where: { AND: [{ id: upload.id }, NOT_IN_USE] } });
    if (count === 0) {
      const users = await ctx.db.resourceUse.count({ where: { to_id: upload.id } });
      if (users === 0) throw Errors.NOT_FOUND({ detail: `Upload '${id}' not found`, source: { parameter: "id" } });
      throw DatocmsErrors.DELETE_RESTRICTION(`Upload '${id}' is used by ${users} resource(s) (GET /uploads/${id}/references); remove those references first`, users);
    }
    return upload;
  }
}
