export * from "./principal.js";
export * from "./api-keys.js";
export * from "./authenticate.js";
export * from "./principal-cache.js";
