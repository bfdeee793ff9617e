import { Router } from "express";
import { collectionRouter } from "../http/collection-router.js";
import { parseJsonApiBody } from "../http/jsonapi.js";
import { JSONAPI_ITEM, jsonApiErrors } from "../http/jsonapi-schemas.js";
import { route } from "../http/route.js";
import { baseUrl, serviceContext } from "../http/request-context.js";
import { sendJson } from "../http/send-json.js";
import { USER_LIST } from "./management-fields.js";
import { userCreate, userPatch } from "./management-input.js";
import { serializeUser } from "./management-serializers.js";
import type { UserService } from "./user-service.js";

/** `/users`: superusers list, create and update accounts; `/users/me` is the caller. */
export function userRoutes(service: UserService): Router {
  const router = Router();
  route(router, {
    method: "get",
    path: "/me",
    summary: "The calling user",
    tags: ["users"],
    responses: { 200: { description: "The user the request authenticates as", schema: JSONAPI_ITEM }, ...jsonApiErrors(401) },
    handler: async (req, res) => {
      sendJson(req, res, 200, { data: serializeUser(await service.me(serviceContext(req)), baseUrl(req)) });
    },
  });
  router.use(
    collectionRouter({
      docs: { noun: "user", type: "user", create: userCreate, update: userPatch, tags: ["users"] },
      render: serializeUser,
      list: { options: USER_LIST, run: (ctx, query) => service.list(ctx, query) },
      get: (ctx, id) => service.get(ctx, id),
      create: (ctx, body) => service.create(ctx, parseJsonApiBody(body, userCreate, "user")),
      update: (ctx, id, body) => service.update(ctx, id, parseJsonApiBody(body, userPatch, "user")),
    }),
  );
  return router;
}
