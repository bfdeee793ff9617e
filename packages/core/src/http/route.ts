import type { NextFunction, Request, RequestHandler, Response, Router } from "express";
import type { z } from "zod";
import { Errors, type AppError } from "../errors/index.js";
import { errorProfileOf, type InvalidInput } from "./error-handler.js";

/** HTTP methods a declared route may answer. */
export type RouteMethod = "get" | "post" | "put" | "patch" | "delete" | "options" | "head";

/**
 * Names a zod schema for the OpenAPI document: wherever it is used, whole or
 * nested in another schema, the document has it once under
 * `components.schemas.<name>` and refers to it (zod's `id` metadata).
 */
export function schemaComponent<T extends z.ZodType>(name: string, schema: T): T {
  return schema.meta({ id: name });
}

/** A request or response schema (named with `schemaComponent` or not). */
export type SchemaSource = z.ZodType;

/** One documented response of an operation. */
export interface ResponseSpec {
  description: string;
  /** The body's schema; omit for a body-less answer (204) or an opaque one. */
  schema?: SchemaSource;
  /** Media type of the body (default `application/json`). */
  contentType?: string;
  /** Response headers worth naming (e.g. `Location`), with a description each. */
  headers?: Record<string, string>;
}

/** An OpenAPI parameter described by hand: for query dialects whose parser lives elsewhere (filter[...], page[...]). */
export interface ParameterSpec {
  name: string;
  in: "query" | "header" | "path";
  description?: string;
  required?: boolean;
  /** JSON Schema of the value (default `{ type: "string" }`). */
  schema?: Record<string, unknown>;
  /** `deepObject` and friends, where the dialect uses them. */
  style?: string;
  explode?: boolean;
}

/** The request body of an operation: its schema and media types. */
export interface BodySpec {
  schema: SchemaSource;
  /** Media types accepted (default `application/json`). */
  contentTypes?: readonly string[];
  /** Whether the route also answers without a body (default true when a body is declared). */
  required?: boolean;
  description?: string;
}

/** Values a declared route's handler receives: parsed by the declaration's zod schemas. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

type Parsed<S> = S extends z.ZodType ? z.infer<S> : undefined;

/**
 * One route as data: what it answers, with which schemas, and the handler.
 * `route()` registers it on an Express router and keeps it for the OpenAPI
 * document, so what is served and what is documented are the same object.
 */
export interface RouteDeclaration<P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined> {
  method: RouteMethod;
  /** Express path, relative to where the router is mounted (`/:id/permissions`). */
  path: string;
  summary: string;
  description?: string;
  /** Groups in the reference page (default: the router's first path segment). */
  tags?: readonly string[];
  /** Path parameters, validated; invalid ones answer 404 (a path that names nothing). */
  params?: P;
  /** Query parameters, validated; invalid ones answer 400. */
  query?: Q;
  /** Query parameters a dialect parser reads (described, not validated here). */
  parameters?: readonly ParameterSpec[];
  /** JSON body schema: validated before the handler runs unless `validateBody` is false. */
  body?: B;
  /** Media types of `body` (default `application/json`). */
  bodyTypes?: readonly string[];
  /** False when the handler parses `body` itself (e.g. `parseJsonApiBody`, for its pointers): documented only. */
  validateBody?: boolean;
  /** A request body the handler reads itself (multipart, raw bytes, a dialect's form): documented only. */
  requestBody?: BodySpec;
  responses: Readonly<Record<number, ResponseSpec>>;
  /** Whether the route requires a signed-in caller (documents the security requirement). */
  signedIn?: boolean;
  /** Middleware run before the handler (e.g. a profile's `signedIn` or an idempotency guard). */
  middleware?: readonly RequestHandler[];
  /** Hidden from the document (e.g. a CORS preflight): still counted as declared. */
  hidden?: boolean;
  handler: (req: Request, res: Response, input: RouteInput<Parsed<P>, Parsed<Q>, Parsed<B>>, next: NextFunction) => unknown;
}

/** A declared route as the document builder sees it. */
export type DeclaredRoute = RouteDeclaration<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;

const declared = new WeakMap<object, DeclaredRoute>();

/** The declaration behind a route handler, if `route()` registered it. */
export function declarationOf(handler: unknown): DeclaredRoute | undefined {
  return typeof handler === "function" ? declared.get(handler) : undefined;
}

/** The body schema of a declaration, whichever way it was given. */
export function bodySpecOf(decl: DeclaredRoute): BodySpec | undefined {
  if (decl.requestBody) return decl.requestBody;
  return decl.body ? { schema: decl.body, contentTypes: decl.bodyTypes } : undefined;
}

function firstIssue(error: z.ZodError, root: string) {
  const issue = error.issues[0]!;
  const path = issue.path.map(String);
  return { path, message: `${path.join(".") || root}: ${issue.message}` };
}

/** The core's answer to a refused query or body: the first issue, with its parameter or JSON pointer. */
function coreInvalid({ where, issues }: InvalidInput): AppError {
  const [first] = issues;
  const path = first?.path ?? [];
  const detail = `${path.join(".") || where}: ${first?.message ?? "invalid"}`;
  return where === "query" ? Errors.INVALID_PARAMETER({ detail, source: { parameter: path[0] ?? "" } }) : Errors.INVALID_BODY({ detail, source: { pointer: `/${path.join("/")}` } });
}

/** The error of the request's protocol for what `schema` refused (see ErrorProfile.invalid). */
function invalidInput(req: Request, where: InvalidInput["where"], error: z.ZodError, value: unknown): AppError {
  const input: InvalidInput = { where, value, issues: error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })) };
  return errorProfileOf(req).invalid?.(input, req) ?? coreInvalid(input);
}

/**
 * Registers a declared route on `router` and records it for the OpenAPI
 * document. Path parameters, query and body are parsed with the declaration's
 * zod schemas before the handler runs; a failure is the core's AppError
 * (404 for a path parameter, 400 otherwise), which each profile renders in its shape.
 */
export function route<P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
  router: Router,
  declaration: RouteDeclaration<P, Q, B>,
): void {
  const decl = declaration as unknown as DeclaredRoute;
  const validatedBody = decl.validateBody === false ? undefined : decl.body;
  const handler: RequestHandler = async (req, res, next) => {
    let params: unknown = req.params;
    if (decl.params) {
      const parsed = decl.params.safeParse(req.params);
      if (!parsed.success) throw Errors.NOT_FOUND({ detail: `No such ${firstIssue(parsed.error, "path").path.join(".") || "object"}: ${req.originalUrl.split("?")[0]}` });
      params = parsed.data;
    }
    let query: unknown = undefined;
    if (decl.query) {
      const parsed = decl.query.safeParse(req.query);
      if (!parsed.success) throw invalidInput(req, "query", parsed.error, req.query);
      query = parsed.data;
    }
    let body: unknown = req.body;
    if (validatedBody) {
      const parsed = validatedBody.safeParse(req.body ?? {});
      if (!parsed.success) throw invalidInput(req, "body", parsed.error, req.body);
      body = parsed.data;
    }
    await decl.handler(req, res, { params, query, body } as RouteInput<Parsed<P>, Parsed<Q>, Parsed<B>>, next);
  };
  declared.set(handler, decl);
  router[decl.method](decl.path, ...(decl.middleware ?? []), handler);
}

/**
 * The error answers of one wire protocol, by status: every one has the protocol's error `schema`
 * (and `extra`, e.g. its media type), described by `descriptions` ("Error" for a status not named).
 */
export function errorResponses(schema: SchemaSource, descriptions: Readonly<Record<number, string>>, extra: Omit<ResponseSpec, "description" | "schema"> = {}) {
  return (...statuses: number[]): Record<number, ResponseSpec> =>
    Object.fromEntries(statuses.map((status) => [status, { description: descriptions[status] ?? "Error", schema, ...extra }]));
}
