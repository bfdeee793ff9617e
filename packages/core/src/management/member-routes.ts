import type { Request, Router } from "express";
import type { z } from "zod";
import type { Role } from "../generated/prisma/client.js";
import { jsonApiListParameters } from "../http/jsonapi-parameters.js";
import { JSONAPI_BODY_TYPES, JSONAPI_ITEM, JSONAPI_LIST, jsonApiErrors, jsonApiWriteDocument } from "../http/jsonapi-schemas.js";
import { listDocument, parseJsonApiBody } from "../http/jsonapi.js";
import { route } from "../http/route.js";
import { baseUrl, searchParams, serviceContext } from "../http/request-context.js";
import { sendJson } from "../http/send-json.js";
import { parseJsonApiQuery } from "../query/jsonapi-dialect.js";
import type { ListQuery } from "../query/types.js";
import type { ServiceContext } from "../services/service-context.js";
import { MEMBER_LIST } from "./management-fields.js";
import { memberCreate, memberPatch } from "./management-input.js";
import { serializeMember, type MemberRow } from "./management-serializers.js";

/** What organisations and groups both offer for their members. */
export interface MemberOperations {
  members(ctx: ServiceContext, rawId: string, query: ListQuery): Promise<{ parent: { id: number }; rows: MemberRow[]; total: number }>;
  addMember(ctx: ServiceContext, rawId: string, input: z.infer<typeof memberCreate>): Promise<MemberRow>;
  setRole(ctx: ServiceContext, rawId: string, rawUserId: string, role: Role): Promise<MemberRow>;
  removeMember(ctx: ServiceContext, rawId: string, rawUserId: string): Promise<void>;
}

/** Adds `/:id/members[/:userId]` (list, add, change role, remove) to a parent's router. */
export function addMemberRoutes(router: Router, service: MemberOperations, parentType: "organisation" | "group"): void {
  const type = `${parentType}_membership`;
  const parent = (id: string) => ({ type: parentType, id: Number(id) });

  const tags = [`${parentType}s`];
  const param = (req: Request, name: string) => String(req.params[name]);

  route(router, {
    method: "get",
    path: "/:id/members",
    summary: `List the ${parentType}'s members`,
    tags,
    parameters: jsonApiListParameters(MEMBER_LIST),
    responses: { 200: { description: "A page of memberships", schema: JSONAPI_LIST }, ...jsonApiErrors(400, 404) },
    handler: async (req, res) => {
      const query = parseJsonApiQuery(searchParams(req), MEMBER_LIST);
      const page = await service.members(serviceContext(req), param(req, "id"), query);
      const data = page.rows.map((row) => serializeMember(row, { type: parentType, id: page.parent.id }, baseUrl(req)));
      sendJson(req, res, 200, listDocument(req, data, query.page, page.total));
    },
  });

  route(router, {
    method: "post",
    path: "/:id/members",
    summary: `Add a member to the ${parentType}`,
    tags,
    body: jsonApiWriteDocument(memberCreate, type),
    bodyTypes: JSONAPI_BODY_TYPES,
    validateBody: false,
    responses: { 201: { description: "The membership", schema: JSONAPI_ITEM, headers: { Location: "URL of the membership" } }, ...jsonApiErrors(400, 403, 404, 409) },
    handler: async (req, res) => {
      const row = await service.addMember(serviceContext(req), param(req, "id"), parseJsonApiBody(req.body, memberCreate, type));
      const data = serializeMember(row, parent(param(req, "id")), baseUrl(req));
      if (data.links) res.setHeader("Location", data.links.self);
      sendJson(req, res, 201, { data });
    },
  });

  route(router, {
    method: "patch",
    path: "/:id/members/:userId",
    summary: "Change a member's role",
    tags,
    body: jsonApiWriteDocument(memberPatch, type),
    bodyTypes: JSONAPI_BODY_TYPES,
    validateBody: false,
    responses: { 200: { description: "The membership", schema: JSONAPI_ITEM }, ...jsonApiErrors(400, 403, 404) },
    handler: async (req, res) => {
      const { role } = parseJsonApiBody(req.body, memberPatch, type);
      const row = await service.setRole(serviceContext(req), param(req, "id"), param(req, "userId"), role);
      sendJson(req, res, 200, { data: serializeMember(row, parent(param(req, "id")), baseUrl(req)) });
    },
  });

  route(router, {
    method: "delete",
    path: "/:id/members/:userId",
    summary: `Remove a member from the ${parentType}`,
    tags,
    responses: { 204: { description: "Removed" }, ...jsonApiErrors(403, 404) },
    handler: async (req, res) => {
      await service.removeMember(serviceContext(req), param(req, "id"), param(req, "userId"));
      res.status(204).end();
    },
  });
}
