import { Router } from "express";
import { JSONAPI_LIST } from "../http/jsonapi-schemas.js";
import { route } from "../http/route.js";
import { sendJson } from "../http/send-json.js";
import type { PluginRegistry } from "../plugins/registry.js";

/**
 * `GET /asset-types`: the types the host registered, so clients (the studio's type filter) can
 * offer them without knowing the plugins: key, what uploads of it may contain, its size limit, and the
 * `type` (and field values) its resources are listed under.
 */
export function assetTypeRoutes(registry: PluginRegistry): Router {
  const router = Router();
  route(router, {
    method: "get",
    path: "/",
    summary: "The asset types this API accepts",
    tags: ["asset-types"],
    responses: { 200: { description: "Every registered type: key, accepted extensions and media types, size limit, resource type and filter", schema: JSONAPI_LIST } },
    handler: (req, res) => {
      const data = [...registry.types.values()].map((type) => ({
        type: "asset_type",
        id: type.key,
        attributes: {
          extensions: type.accepts?.extensions ?? [],
          mime_types: type.accepts?.mimeTypes ?? [],
          max_upload_size: type.maxUploadSize ?? null,
          // How its resources are found in /resources: their `type`, and field values that single them out.
          resource_type: type.committedAs?.type ?? type.key,
          resource_filter: type.committedAs?.fields ?? {},
        },
      }));
      sendJson(req, res, 200, { data, meta: { total_count: data.length } });
    },
  });
  return router;
}
