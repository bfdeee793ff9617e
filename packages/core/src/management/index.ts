export { managementRouters } from "./management-routes.js";
export { UserService } from "./user-service.js";
export { OrganisationService } from "./organisation-service.js";
export { GroupService } from "./group-service.js";
export { ApiKeyService } from "./api-key-service.js";
export { API_KEY_SCOPES } from "./management-input.js";
export * from "./management-fields.js";
