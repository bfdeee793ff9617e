import type { Router } from "express";
import type { ApiKey } from "../generated/prisma/client.js";
import { collectionRouter } from "../http/collection-router.js";
import { parseJsonApiBody } from "../http/jsonapi.js";
import type { ApiKeyService } from "./api-key-service.js";
import { API_KEY_LIST } from "./management-fields.js";
import { apiKeyCreate } from "./management-input.js";
import { serializeApiKey } from "./management-serializers.js";

/** A key as the routes render it: with its full secret only in the answer that creates it. */
type ShownKey = ApiKey & { secret?: string };

/** `/api-keys`: the caller's keys (superusers: everyone's); the secret appears once, in the POST response. */
export function apiKeyRoutes(service: ApiKeyService): Router {
  return collectionRouter<ShownKey>({
    docs: { noun: "API key", type: "api_key", create: apiKeyCreate, tags: ["api-keys"] },
    render: (key, base) => serializeApiKey(key, base, key.secret),
    list: { options: API_KEY_LIST, run: (ctx, query) => service.list(ctx, query) },
    get: (ctx, id) => service.get(ctx, id),
    create: async (ctx, body) => {
      const { row, secret } = await service.create(ctx, parseJsonApiBody(body, apiKeyCreate, "api_key"));
      return { ...row, secret };
    },
    createHeaders: { "Cache-Control": "no-store" },
    // Revoking is a soft delete: the answer shows the key with its revoked_at.
    remove: (ctx, id) => service.revoke(ctx, id),
  });
}
