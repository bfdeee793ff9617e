export * from "./principal.js";
export * from "./ability.js";
export * from "./accessible.js";
export * from "./api-keys.js";
export * from "./authenticate.js";
export * from "./principal-cache.js";
