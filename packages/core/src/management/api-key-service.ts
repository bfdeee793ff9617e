import type { z } from "zod";
import { issueApiKey } from "../auth/api-keys.js";
import { changingPrincipals } from "../auth/principal-cache.js";
import { Errors } from "../errors/index.js";
import type { ApiKey, Prisma } from "../generated/prisma/client.js";
import { listPage, type ListPage } from "../query/list-page.js";
import type { ListQuery } from "../query/types.js";
import type { ServiceContext } from "../services/service-context.js";
import { numericId, requireUser, requireWriter } from "./management-access.js";
import { API_KEY_LIST } from "./management-fields.js";
import type { apiKeyCreate } from "./management-input.js";

/**
 * API keys. Everyone signed in lists, creates and revokes their own keys;
 * superusers manage anyone's. The secret is returned once, by `create`, and
 * only its hash is stored. Revoking keeps the row (with `revoked_at`) so
 * listings show when a key stopped working.
 */
export class ApiKeyService {
  async list(ctx: ServiceContext, query: ListQuery): Promise<ListPage<ApiKey>> {
    return listPage(ctx.db.apiKey, query, { ...API_KEY_LIST, where: [this.visible(ctx)] });
  }

  /** One of the caller's keys (any key for superusers); others' keys are 404. */
  async get(ctx: ServiceContext, rawId: string): Promise<ApiKey> {
    const key = await ctx.db.apiKey.findFirst({ where: { AND: [{ id: numericId(rawId, "API key") }, this.visible(ctx)] } });
    if (!key) throw Errors.NOT_FOUND({ detail: `API key '${rawId}' not found` });
    return key;
  }

  /** Creates a key and returns it with the full secret, which is never shown again. */
  async create(ctx: ServiceContext, input: z.infer<typeof apiKeyCreate>): Promise<{ row: ApiKey; secret: string }> {
    const caller = requireWriter(ctx);
    const userId = input.user_id ?? caller.id;
    if (userId !== caller.id) {
      if (!caller.isSuperuser) throw Errors.FORBIDDEN({ detail: "Only superusers may create keys for someone else", source: { pointer: "/data/attributes/user_id" } });
      if (!(await ctx.db.user.findUnique({ where: { id: userId } }))) {
        throw Errors.INVALID_BODY({ detail: `Unknown user ${userId}`, source: { pointer: "/data/attributes/user_id" } });
      }
    }
    const issued = await issueApiKey(ctx.db, userId, { name: input.name, scopes: [...new Set(input.scopes ?? [])] });
    const row = await ctx.db.apiKey.findUniqueOrThrow({ where: { id: issued.id } });
    return { row, secret: issued.secret };
  }

  /** Revokes a key; revoking it again keeps the first `revoked_at`. */
  async revoke(ctx: ServiceContext, rawId: string): Promise<ApiKey> {
    requireWriter(ctx);
    const key = await this.get(ctx, rawId);
    if (key.revoked_at) return key;
    return changingPrincipals(ctx.db.apiKey.update({ where: { id: key.id }, data: { revoked_at: new Date() } }));
  }

  private visible(ctx: ServiceContext): Prisma.ApiKeyWhereInput {
    const caller = requireUser(ctx);
    return caller.isSuperuser ? {} : { user_id: caller.id };
  }
}
