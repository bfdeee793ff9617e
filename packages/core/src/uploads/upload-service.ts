import { accessibleUploads } from "../auth/accessible.js";
import { Errors } from "../errors/index.js";
import type { Prisma, Upload } from "../generated/prisma/client.js";
import { compileListQuery } from "../query/compile-prisma.js";
import type { ListQuery } from "../query/types.js";
import type { ServiceContext } from "../services/service-context.js";
import { UPLOAD_FIELDS } from "./upload-fields.js";

/** Upload reads, inside the caller's permissions (inherited from the resource, or as uploader). */
export class UploadService {
  async list(ctx: ServiceContext, query: ListQuery, scope: Prisma.UploadWhereInput = {}): Promise<{ rows: Upload[]; total: number }> {
    const compiled = compileListQuery(UPLOAD_FIELDS, query);
    const where: Prisma.UploadWhereInput = { AND: [compiled.where as Prisma.UploadWhereInput, scope, accessibleUploads(ctx.ability, "view")] };
    const [rows, total] = await Promise.all([
      ctx.db.upload.findMany({ where, orderBy: compiled.orderBy as Prisma.UploadOrderByWithRelationInput[], skip: compiled.skip, take: compiled.take }),
      ctx.db.upload.count({ where }),
    ]);
    return { rows, total };
  }

  async get(ctx: ServiceContext, idOrUuid: string): Promise<Upload> {
    const key: Prisma.UploadWhereInput = /^\d+$/.test(idOrUuid) ? { id: Number(idOrUuid) } : /^[0-9a-f-]{36}$/i.test(idOrUuid) ? { uuid: idOrUuid.toLowerCase() } : { id: -1 };
    const row = await ctx.db.upload.findFirst({ where: { AND: [key, accessibleUploads(ctx.ability, "view")] } });
    if (!row) throw Errors.NOT_FOUND({ detail: `Upload '${idOrUuid}' not found` });
    return row;
  }
}
