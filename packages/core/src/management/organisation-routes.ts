import { Router } from "express";
import { collectionRouter } from "../http/collection-router.js";
import { parseJsonApiBody } from "../http/jsonapi.js";
import { ORGANISATION_LIST } from "./management-fields.js";
import { organisationInput } from "./management-input.js";
import { serializeOrganisation } from "./management-serializers.js";
import { addMemberRoutes } from "./member-routes.js";
import type { OrganisationService } from "./organisation-service.js";

/** `/organisations` and `/organisations/:id/members` (roles member, editor, admin). */
export function organisationRoutes(service: OrganisationService): Router {
  const router = Router();
  addMemberRoutes(router, service, "organisation");
  router.use(
    collectionRouter({
      docs: { noun: "organisation", type: "organisation", create: organisationInput, update: organisationInput, tags: ["organisations"] },
      render: serializeOrganisation,
      list: { options: ORGANISATION_LIST, run: (ctx, query) => service.list(ctx, query) },
      get: (ctx, id) => service.get(ctx, id),
      create: (ctx, body) => service.create(ctx, parseJsonApiBody(body, organisationInput, "organisation")),
      update: (ctx, id, body) => service.update(ctx, id, parseJsonApiBody(body, organisationInput, "organisation")),
      remove: (ctx, id) => service.delete(ctx, id),
    }),
  );
  return router;
}
