export * from "./perm-spec.js";
export { parsePermSpec, isCompactSpec, type RequestedGrant, type SubjectName } from "./parse-perm-spec.js";
export { PermissionService, type EffectivePermissions } from "./permission-service.js";
export { permissionRoutes } from "./permission-routes.js";
