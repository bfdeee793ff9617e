import { Router } from "express";
import { listDocument, parseJsonApiBody } from "../http/jsonapi.js";
import { baseUrl, searchParams, serviceContext } from "../http/request-context.js";
import { sendJson } from "../http/send-json.js";
import { parseJsonApiQuery } from "../query/jsonapi-dialect.js";
import { ORGANISATION_LIST } from "./management-fields.js";
import { organisationInput } from "./management-input.js";
import { serializeOrganisation } from "./management-serializers.js";
import { addMemberRoutes } from "./member-routes.js";
import type { OrganisationService } from "./organisation-service.js";

/** `/organisations` and `/organisations/:id/members` (roles member, editor, admin). */
export function organisationRoutes(service: OrganisationService): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const query = parseJsonApiQuery(searchParams(req), ORGANISATION_LIST);
    const page = await service.list(serviceContext(req), query);
    sendJson(req, res, 200, listDocument(req, page.rows.map((o) => serializeOrganisation(o, baseUrl(req))), query.page, page.total));
  });

  router.get("/:id", async (req, res) => {
    sendJson(req, res, 200, { data: serializeOrganisation(await service.get(serviceContext(req), req.params.id), baseUrl(req)) });
  });

  router.post("/", async (req, res) => {
    const org = await service.create(serviceContext(req), parseJsonApiBody(req.body, organisationInput, "organisation"));
    res.setHeader("Location", `${baseUrl(req)}/organisations/${org.id}`);
    sendJson(req, res, 201, { data: serializeOrganisation(org, baseUrl(req)) });
  });

  router.patch("/:id", async (req, res) => {
    const org = await service.update(serviceContext(req), req.params.id, parseJsonApiBody(req.body, organisationInput, "organisation"));
    sendJson(req, res, 200, { data: serializeOrganisation(org, baseUrl(req)) });
  });

  router.delete("/:id", async (req, res) => {
    await service.delete(serviceContext(req), req.params.id);
    res.status(204).end();
  });

  addMemberRoutes(router, service, "organisation");
  return router;
}
