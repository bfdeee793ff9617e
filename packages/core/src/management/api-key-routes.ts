import { Router } from "express";
import { listDocument, parseJsonApiBody } from "../http/jsonapi.js";
import { baseUrl, searchParams, serviceContext } from "../http/request-context.js";
import { sendJson } from "../http/send-json.js";
import { parseJsonApiQuery } from "../query/jsonapi-dialect.js";
import type { ApiKeyService } from "./api-key-service.js";
import { API_KEY_LIST } from "./management-fields.js";
import { apiKeyCreate } from "./management-input.js";
import { serializeApiKey } from "./management-serializers.js";

/** `/api-keys`: the caller's keys (superusers: everyone's); the secret appears once, in the POST response. */
export function apiKeyRoutes(service: ApiKeyService): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const query = parseJsonApiQuery(searchParams(req), API_KEY_LIST);
    const page = await service.list(serviceContext(req), query);
    sendJson(req, res, 200, listDocument(req, page.rows.map((k) => serializeApiKey(k, baseUrl(req))), query.page, page.total));
  });

  router.get("/:id", async (req, res) => {
    sendJson(req, res, 200, { data: serializeApiKey(await service.get(serviceContext(req), req.params.id), baseUrl(req)) });
  });

  router.post("/", async (req, res) => {
    const { row, secret } = await service.create(serviceContext(req), parseJsonApiBody(req.body, apiKeyCreate, "api_key"));
    res.setHeader("Location", `${baseUrl(req)}/api-keys/${row.id}`);
    res.setHeader("Cache-Control", "no-store");
    sendJson(req, res, 201, { data: serializeApiKey(row, baseUrl(req), secret) });
  });

  // Revoking is a soft delete: the answer shows the key with its revoked_at.
  router.delete("/:id", async (req, res) => {
    sendJson(req, res, 200, { data: serializeApiKey(await service.revoke(serviceContext(req), req.params.id), baseUrl(req)) });
  });

  return router;
}
