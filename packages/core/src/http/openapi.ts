import type { Router } from "express";
import { z } from "zod";
import { bodySpecOf, declarationOf, type DeclaredRoute, type ParameterSpec } from "./route.js";

/** What a document says about itself. */
export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  /** Absolute URL the document's paths are relative to (the router's mount point). */
  serverUrl?: string;
  /** Routers under this one that belong to another document (a profile under the core). */
  skip?: ReadonlySet<unknown>;
}

/** One route found on a router's stack, with its full path and its declaration (if declared). */
export interface MountedRoute {
  /** Upper-case method, or `ALL` for a method guard (`router.all`). */
  method: string;
  /** Express path from the walked router's mount point. */
  path: string;
  declaration?: DeclaredRoute;
}

/** The parts of Express's router internals the walk reads (router 2.x keeps each layer's `rawPath`). */
interface StackLayer {
  handle: unknown;
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean>; stack: { handle: unknown }[] };
}

function stackOf(handle: unknown): StackLayer[] | undefined {
  const stack = typeof handle === "function" ? (handle as { stack?: unknown }).stack : undefined;
  return Array.isArray(stack) ? (stack as StackLayer[]) : undefined;
}

function joinPath(prefix: string, path: string): string {
  if (path === "/" || path === "") return prefix || "/";
  return `${prefix.replace(/\/$/, "")}${path.startsWith("/") ? path : `/${path}`}`;
}

function pathsOf(raw: unknown, where: string): string[] {
  const paths = Array.isArray(raw) ? raw : [raw];
  for (const path of paths) {
    if (typeof path !== "string") throw new TypeError(`A router mounted at ${where} has a path the OpenAPI document cannot name: ${String(path)}`);
  }
  return paths as string[];
}

/**
 * Every route mounted on `router`, walking nested routers, with the full
 * Express path. Routers in `skip` (another document's) are not entered.
 */
export function mountedRoutes(router: Router, skip: ReadonlySet<unknown> = new Set()): MountedRoute[] {
  const found: MountedRoute[] = [];
  const walk = (stack: StackLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const declaration = layer.route.stack.map((l) => declarationOf(l.handle)).find((d) => d !== undefined);
        const methods = layer.route.methods._all ? ["ALL"] : Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]).map((m) => m.toUpperCase());
        for (const path of pathsOf(layer.route.path, prefix)) {
          for (const method of methods) found.push({ method, path: joinPath(prefix, path), declaration });
        }
        continue;
      }
      const nested = stackOf(layer.handle);
      if (!nested || skip.has(layer.handle)) continue;
      if (layer.rawPath === undefined) throw new TypeError("Express's router no longer exposes layer.rawPath; the OpenAPI walk needs the mount paths");
      for (const path of pathsOf(layer.rawPath, prefix)) walk(nested, joinPath(prefix, path));
    }
  };
  walk(stackOf(router) ?? [], "");
  return found;
}

/** `/:id/members/:userId` → `/{id}/members/{userId}`; `/{*rest}` → `/{rest}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/\{\*(\w+)\}/g, "{$1}").replace(/\*(\w+)/g, "{$1}").replace(/:(\w+)/g, "{$1}");
}

type JsonSchema = Record<string, unknown>;

const INPUT = "Input";
const COMPONENT_REF = /(#\/components\/schemas\/[^"]+)Input"/g;

/**
 * Turns zod schemas into JSON Schema 2020-12 (OpenAPI 3.1's dialect). Named
 * schemas (`schemaComponent`) become components; one read as a request body
 * (zod's input: before transforms, extra keys allowed) is `<name>Input` until
 * `finish` finds it equal to its response form, or alone, and merges the names.
 */
class SchemaWriter {
  private readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: "input" | "output"): JsonSchema {
    const json = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any", override: openObjects }) as JsonSchema;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;
    const suffix = io === "input" ? INPUT : "";
    const write = (value: unknown) => rewriteRefs(value, suffix) as JsonSchema;
    for (const [name, def] of Object.entries(defs)) {
      const component = write(def);
      const known = this.components[name + suffix];
      if (known && JSON.stringify(known) !== JSON.stringify(component)) throw new TypeError(`Two different schemas are named '${name}' in one document`);
      this.components[name + suffix] = component;
    }
    return write(json);
  }

  /** The components, and the document with input names merged where they can be. */
  finish<T>(document: T): { document: T; components: Record<string, JsonSchema> } {
    let text = JSON.stringify(document);
    for (let changed = true; changed; ) {
      changed = false;
      for (const name of Object.keys(this.components).filter((n) => n.endsWith(INPUT))) {
        const base = name.slice(0, -INPUT.length);
        const input = JSON.stringify(this.components[name]).replace(COMPONENT_REF, '$1"');
        if (this.components[base] !== undefined && JSON.stringify(this.components[base]) !== input) continue;
        this.components[base] = JSON.parse(input) as JsonSchema;
        delete this.components[name];
        const ref = `"#/components/schemas/${name}"`;
        text = text.replaceAll(ref, `"#/components/schemas/${base}"`);
        for (const [other, schema] of Object.entries(this.components)) {
          const replaced = JSON.stringify(schema).replaceAll(ref, `"#/components/schemas/${base}"`);
          this.components[other] = JSON.parse(replaced) as JsonSchema;
        }
        changed = true;
      }
    }
    return { document: JSON.parse(text) as T, components: this.components };
  }
}

/**
 * A plain `z.object` strips unknown keys, so zod writes its output as closed
 * (`additionalProperties: false`); answers are rendered, not parsed, and may
 * grow fields, so only a strict object stays closed in the document.
 */
function openObjects(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const def = (ctx.zodSchema as { _zod: { def: { type: string; catchall?: unknown } } })._zod.def;
  if (def.type === "object" && def.catchall === undefined) delete ctx.jsonSchema.additionalProperties;
}

/** Points zod's `#/$defs/<name>` references at `#/components/schemas/<name><suffix>`. */
function rewriteRefs(value: unknown, suffix: string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, suffix));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === "$ref" && typeof inner === "string" ? inner.replace(/^#\/\$defs\/(.+)$/, (_m, name: string) => `#/components/schemas/${name}${suffix}`) : rewriteRefs(inner, suffix),
    ]),
  );
}

function operationId(method: string, path: string): string {
  const words = openApiPath(path).split(/[^A-Za-z0-9]+/).filter(Boolean);
  return [method.toLowerCase(), ...words].join("_");
}

function objectParameters(writer: SchemaWriter, schema: z.ZodType, where: "path" | "query"): JsonSchema[] {
  const json = writer.convert(schema, "input");
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: where, required: where === "path" || required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

function handParameter(spec: ParameterSpec): JsonSchema {
  const { schema = { type: "string" }, ...rest } = spec;
  return { ...rest, ...(spec.in === "path" ? { required: true } : {}), schema };
}

function operationOf(writer: SchemaWriter, method: string, path: string, decl: DeclaredRoute): JsonSchema {
  const oaPath = openApiPath(path);
  const pathNames = [...oaPath.matchAll(/\{(\w+)\}/g)].map(([, name]) => name!);
  const declaredPath = decl.params ? objectParameters(writer, decl.params, "path") : [];
  const pathParams = pathNames.map((name) => declaredPath.find((p) => p.name === name) ?? { name, in: "path", required: true, schema: { type: "string" } });
  const parameters = [...pathParams, ...(decl.query ? objectParameters(writer, decl.query, "query") : []), ...(decl.parameters ?? []).map(handParameter)];
  const body = bodySpecOf(decl);
  const responses = Object.fromEntries(
    Object.entries(decl.responses).map(([status, spec]) => {
      const response: JsonSchema = { description: spec.description };
      if (spec.headers) response.headers = Object.fromEntries(Object.entries(spec.headers).map(([name, description]) => [name, { description, schema: { type: "string" } }]));
      if (spec.schema || spec.contentType) response.content = { [spec.contentType ?? "application/json"]: spec.schema ? { schema: writer.convert(spec.schema, "output") } : {} };
      return [status, response];
    }),
  );
  const firstSegment = path.split("/").filter((s) => s && !s.startsWith(":"))[0];
  return {
    operationId: operationId(method, path),
    summary: decl.summary,
    ...(decl.description ? { description: decl.description } : {}),
    tags: [...(decl.tags ?? (firstSegment ? [firstSegment] : ["root"]))],
    ...(parameters.length ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: body.required ?? true,
            ...(body.description ? { description: body.description } : {}),
            content: Object.fromEntries((body.contentTypes ?? ["application/json"]).map((type) => [type, { schema: writer.convert(body.schema, "input") }])),
          },
        }
      : {}),
    responses,
    ...(decl.signedIn ? { security: [{ apiKey: [] }, { bearer: [] }, { basic: [] }] } : {}),
  };
}

/**
 * The OpenAPI 3.1 document of a router, built from the declarations of the
 * routes mounted on it (see `route()`): the paths are the mounted ones, so a
 * route moved or removed is moved or removed here too.
 */
export function openApiDocument(router: Router, info: OpenApiInfo): Record<string, unknown> {
  const writer = new SchemaWriter();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const { method, path, declaration } of mountedRoutes(router, info.skip)) {
    if (!declaration || declaration.hidden || method === "ALL") continue;
    const item = (paths[openApiPath(path)] ??= {});
    const key = method.toLowerCase();
    // Express answers with the first route that matches; a later one at the same path and method never runs.
    item[key] ??= operationOf(writer, method, path, declaration);
  }
  const { document, components } = writer.finish(paths);
  return {
    openapi: "3.1.0",
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths: document,
    components: {
      schemas: components,
      securitySchemes: {
        apiKey: { type: "apiKey", in: "header", name: "X-Api-Key", description: "An API key (POST /api-keys)." },
        bearer: { type: "http", scheme: "bearer", description: "An API key as a bearer token." },
        basic: { type: "http", scheme: "basic", description: "Username `__key__`, the API key as password (Lizard's convention)." },
      },
    },
    security: [{}, { apiKey: [] }, { bearer: [] }, { basic: [] }],
  };
}
