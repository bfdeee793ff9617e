import type { Router } from "express";
import { ApiKeyService } from "./api-key-service.js";
import { apiKeyRoutes } from "./api-key-routes.js";
import { GroupService } from "./group-service.js";
import { groupRoutes } from "./group-routes.js";
import { OrganisationService } from "./organisation-service.js";
import { organisationRoutes } from "./organisation-routes.js";
import { UserService } from "./user-service.js";
import { userRoutes } from "./user-routes.js";

/** The management API's routers by mount path; each needs authentication and the JSON body parser in front. */
export function managementRouters(): [path: string, router: Router][] {
  return [
    ["/users", userRoutes(new UserService())],
    ["/organisations", organisationRoutes(new OrganisationService())],
    ["/groups", groupRoutes(new GroupService())],
    ["/api-keys", apiKeyRoutes(new ApiKeyService())],
  ];
}
