import type { Router } from "express";
import type { z } from "zod";
import type { Role } from "../generated/prisma/client.js";
import { listDocument, parseJsonApiBody } from "../http/jsonapi.js";
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

  router.get("/:id/members", async (req, res) => {
    const query = parseJsonApiQuery(searchParams(req), MEMBER_LIST);
    const page = await service.members(serviceContext(req), req.params.id, query);
    const data = page.rows.map((row) => serializeMember(row, { type: parentType, id: page.parent.id }, baseUrl(req)));
    sendJson(req, res, 200, listDocument(req, data, query.page, page.total));
  });

  router.post("/:id/members", async (req, res) => {
    const row = await service.addMember(serviceContext(req), req.params.id, parseJsonApiBody(req.body, memberCreate, type));
    const data = serializeMember(row, parent(req.params.id), baseUrl(req));
    if (data.links) res.setHeader("Location", data.links.self);
    sendJson(req, res, 201, { data });
  });

  router.patch("/:id/members/:userId", async (req, res) => {
    const { role } = parseJsonApiBody(req.body, memberPatch, type);
    const row = await service.setRole(serviceContext(req), req.params.id, req.params.userId, role);
    sendJson(req, res, 200, { data: serializeMember(row, parent(req.params.id), baseUrl(req)) });
  });

  router.delete("/:id/members/:userId", async (req, res) => {
    await service.removeMember(serviceContext(req), req.params.id, req.params.userId);
    res.status(204).end();
  });
}
