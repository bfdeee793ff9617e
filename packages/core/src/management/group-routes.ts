import { Router } from "express";
import { collectionRouter } from "../http/collection-router.js";
import { parseJsonApiBody } from "../http/jsonapi.js";
import type { GroupService } from "./group-service.js";
import { GROUP_LIST } from "./management-fields.js";
import { groupCreate, groupPatch } from "./management-input.js";
import { serializeGroup } from "./management-serializers.js";
import { addMemberRoutes } from "./member-routes.js";

/** `/groups` and `/groups/:id/members`. */
export function groupRoutes(service: GroupService): Router {
  const router = Router();
  addMemberRoutes(router, service, "group");
  router.use(
    collectionRouter({
      docs: { noun: "group", type: "group", create: groupCreate, update: groupPatch, tags: ["groups"] },
      render: serializeGroup,
      list: { options: GROUP_LIST, run: (ctx, query) => service.list(ctx, query) },
      get: (ctx, id) => service.get(ctx, id),
      create: (ctx, body) => service.create(ctx, parseJsonApiBody(body, groupCreate, "group")),
      update: (ctx, id, body) => service.update(ctx, id, parseJsonApiBody(body, groupPatch, "group")),
      remove: (ctx, id) => service.delete(ctx, id),
    }),
  );
  return router;
}
