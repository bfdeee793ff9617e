export * from "./ability.js";
export * from "./accessible.js";
export * from "./authorize.js";
export * from "./field-policy.js";
