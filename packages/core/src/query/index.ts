export * from "./types.js";
export * from "./operators.js";
export * from "./field-catalog.js";
export * from "./parse-value.js";
export * from "./build-query.js";
export * from "./jsonapi-dialect.js";
export * from "./compile-prisma.js";
export * from "./list-page.js";
