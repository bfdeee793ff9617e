import { Router } from "express";
import { listDocument, parseJsonApiBody } from "../http/jsonapi.js";
import { baseUrl, searchParams, serviceContext } from "../http/request-context.js";
import { sendJson } from "../http/send-json.js";
import { parseJsonApiQuery } from "../query/jsonapi-dialect.js";
import { USER_LIST } from "./management-fields.js";
import { userCreate, userPatch } from "./management-input.js";
import { serializeUser } from "./management-serializers.js";
import type { UserService } from "./user-service.js";

/** `/users`: superusers list, create and update accounts; `/users/me` is the caller. */
export function userRoutes(service: UserService): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const query = parseJsonApiQuery(searchParams(req), USER_LIST);
    const page = await service.list(serviceContext(req), query);
    sendJson(req, res, 200, listDocument(req, page.rows.map((u) => serializeUser(u, baseUrl(req))), query.page, page.total));
  });

  router.get("/me", async (req, res) => {
    sendJson(req, res, 200, { data: serializeUser(await service.me(serviceContext(req)), baseUrl(req)) });
  });

  router.get("/:id", async (req, res) => {
    sendJson(req, res, 200, { data: serializeUser(await service.get(serviceContext(req), req.params.id), baseUrl(req)) });
  });

  router.post("/", async (req, res) => {
    const user = await service.create(serviceContext(req), parseJsonApiBody(req.body, userCreate, "user"));
    res.setHeader("Location", `${baseUrl(req)}/users/${user.id}`);
    sendJson(req, res, 201, { data: serializeUser(user, baseUrl(req)) });
  });

  router.patch("/:id", async (req, res) => {
    const user = await service.update(serviceContext(req), req.params.id, parseJsonApiBody(req.body, userPatch, "user"));
    sendJson(req, res, 200, { data: serializeUser(user, baseUrl(req)) });
  });

  return router;
}
