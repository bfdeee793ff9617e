import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Router, type Request } from "express";
import { z } from "zod";
import { route } from "./route.js";

/** Builds the OpenAPI document a docs router serves, for the request's host and mount point. */
export type DescribeApi = (req: Request) => Record<string, unknown>;

/** Swagger UI's files the page loads, served from the `swagger-ui-dist` package: nothing comes from another host. */
const SWAGGER_FILES = {
  "swagger-ui.css": "text/css",
  "swagger-ui-bundle.js": "text/javascript",
} as const;

let swaggerDir: string | undefined;
function swaggerUiDir(): string {
  swaggerDir ??= dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  return swaggerDir;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The reference page: Swagger UI over `../openapi.json`, relative, so it works under any mount point. */
function referencePage(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} reference</title>
<link rel="stylesheet" href="swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="swagger-ui-bundle.js"></script>
<script src="init.js"></script>
</body>
</html>
`;
}

// validatorUrl null: Swagger UI would otherwise send the document to an online validator.
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({ url: "../openapi.json", dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null, tryItOutEnabled: false });\n`;

/**
 * `GET /openapi.json` (the document `describe` builds) and `GET /reference/`
 * (Swagger UI over it, with its files from the package). Mount it where the
 * API it describes is mounted.
 */
export function referenceRoutes(title: string, describe: DescribeApi): Router {
  const router = Router();
  route(router, {
    method: "get",
    path: "/openapi.json",
    summary: "This OpenAPI 3.1 document",
    tags: ["reference"],
    responses: { 200: { description: "The OpenAPI document of this API", schema: z.looseObject({ openapi: z.string() }) } },
    handler: (req, res) => {
      res.status(200).type("application/json").send(JSON.stringify(describe(req)));
    },
  });
  route(router, {
    method: "get",
    path: "/reference/",
    summary: "Interactive reference (Swagger UI)",
    tags: ["reference"],
    responses: { 200: { description: "An HTML page", contentType: "text/html" }, 301: { description: "To the path with its trailing slash" } },
    handler: (req, res) => {
      const path = req.originalUrl.split("?")[0]!;
      if (!path.endsWith("/")) {
        res.redirect(301, `${path}/`);
        return;
      }
      res.status(200).type("text/html").send(referencePage(title));
    },
  });
  route(router, {
    method: "get",
    path: "/reference/:file",
    summary: "The reference page's scripts and styles",
    tags: ["reference"],
    params: z.object({ file: z.enum(["init.js", ...Object.keys(SWAGGER_FILES)] as [string, ...string[]]) }),
    responses: { 200: { description: "The file", contentType: "text/javascript" } },
    handler: (_req, res, { params }) => {
      res.setHeader("Cache-Control", "public, max-age=3600");
      if (params.file === "init.js") {
        res.status(200).type("text/javascript").send(INIT_SCRIPT);
        return;
      }
      res.type(SWAGGER_FILES[params.file as keyof typeof SWAGGER_FILES]);
      res.sendFile(join(swaggerUiDir(), params.file));
    },
  });
  return router;
}
