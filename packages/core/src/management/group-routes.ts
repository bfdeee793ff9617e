import { Router } from "express";
import { listDocument, parseJsonApiBody } from "../http/jsonapi.js";
import { baseUrl, searchParams, serviceContext } from "../http/request-context.js";
import { sendJson } from "../http/send-json.js";
import { parseJsonApiQuery } from "../query/jsonapi-dialect.js";
import type { GroupService } from "./group-service.js";
import { GROUP_LIST } from "./management-fields.js";
import { groupCreate, groupPatch } from "./management-input.js";
import { serializeGroup } from "./management-serializers.js";
import { addMemberRoutes } from "./member-routes.js";

/** `/groups` and `/groups/:id/members`. */
export function groupRoutes(service: GroupService): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const query = parseJsonApiQuery(searchParams(req), GROUP_LIST);
    const page = await service.list(serviceContext(req), query);
    sendJson(req, res, 200, listDocument(req, page.rows.map((g) => serializeGroup(g, baseUrl(req))), query.page, page.total));
  });

  router.get("/:id", async (req, res) => {
    sendJson(req, res, 200, { data: serializeGroup(await service.get(serviceContext(req), req.params.id), baseUrl(req)) });
  });

  router.post("/", async (req, res) => {
    const group = await service.create(serviceContext(req), parseJsonApiBody(req.body, groupCreate, "group"));
    res.setHeader("Location", `${baseUrl(req)}/groups/${group.id}`);
    sendJson(req, res, 201, { data: serializeGroup(group, baseUrl(req)) });
  });

  router.patch("/:id", async (req, res) => {
    const group = await service.update(serviceContext(req), req.params.id, parseJsonApiBody(req.body, groupPatch, "group"));
    sendJson(req, res, 200, { data: serializeGroup(group, baseUrl(req)) });
  });

  router.delete("/:id", async (req, res) => {
    await service.delete(serviceContext(req), req.params.id);
    res.status(204).end();
  });

  addMemberRoutes(router, service, "group");
  return router;
}
