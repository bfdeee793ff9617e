// Field declarations of asset types are checked against the Prisma models at registration
// (issue 12.7): the guide's own `words` once said `nullable: true` over the required Note.words,
// and order_by=words_DESC was a 500 (PrismaClientValidationError for `{ sort, nulls }`).
import request from "supertest";
import { AppError, PluginRegistry, type FieldSpec } from "@assets/core";
import { rasterSourcePlugin } from "@assets/raster-source";
import { notesPlugin } from "./fixtures/notes-plugin/src/index.js";
import { createTestApp, userWithKey } from "./helpers/app.js";

/** The guide's notes plugin with its `words` field declared as `spec`. */
function notesWith(spec: Partial<FieldSpec>) {
  const plugin = notesPlugin();
  const type = plugin.types?.[0];
  if (!type) throw new Error("the notes plugin declares its type");
  return { ...plugin, types: [{ ...type, fields: { words: { type: "integer", path: ["note", "words"], sortable: true, ...spec } as FieldSpec } }] };
}

function refusal(spec: Partial<FieldSpec>): AppError {
  try {
    new PluginRegistry([notesWith(spec)]);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("the declaration was accepted");
}

describe("asset-type field declarations", () => {
  it.each<[string, Partial<FieldSpec>, RegExp]>([
    ["nullable over a required column", { nullable: true }, /Note\.words is required: remove nullable: true/],
    ["a column the model lacks", { path: ["note", "wordcount"] }, /Note has no field 'wordcount'/],
    ["a relation that does not exist", { path: ["notes", "words"] }, /Resource has no field 'notes'/],
    ["a column as a relation", { path: ["note", "words", "x"] }, /'words' of Note is not a relation/],
    ["a to-one relation as to-many", { via: ["many"] }, /to-one relation; set via\[0\] to "one"/],
    ["the wrong type", { type: "datetime" }, /Note\.words is Int, not a datetime column/],
    ["a relation as the column", { path: ["note"] }, /'note' of Resource is a relation/],
    ["an empty path", { path: [] }, /its path is empty/],
  ])("refuses %s at registration with PLUGIN_INVALID_FIELD", (_, spec, detail) => {
    const error = refusal(spec);
    expect(error.code).toBe("PLUGIN_INVALID_FIELD");
    expect(error.title).toMatch(/Field 'words' of asset type 'note' \(plugin 'notes'\)/);
    expect(error.title).toMatch(detail);
  });

  it("accepts the shipped plugins' declarations (optional columns nullable, required ones not, to-many via)", () => {
    expect(() => new PluginRegistry([notesPlugin(), rasterSourcePlugin()])).not.toThrow();
    const raster = rasterSourcePlugin();
    const withWrongNullable = { ...raster, types: (raster.types ?? []).map((t) => ({ ...t, fields: { ...t.fields, projection: { ...t.fields!.projection!, nullable: false } } })) };
    expect(() => new PluginRegistry([withWrongNullable])).toThrow(/RasterSource\.projection can be NULL: declare nullable: true/);
  });

  it("refuses a type whose record is not in the Prisma client (a host that has not composed the plugin's models)", () => {
    const notes = notesPlugin();
    const memo = { ...notes, name: "memos", types: (notes.types ?? []).map((t) => ({ ...t, key: "memo", relation: "memo", fields: {} })) };
    let refused: unknown;
    try {
      new PluginRegistry([memo]);
    } catch (error) {
      refused = error;
    }
    if (!(refused instanceof AppError)) throw new Error(`not refused with an AppError: ${String(refused)}`);
    expect(refused.code).toBe("PLUGIN_MODELS_NOT_IN_CLIENT");
    expect(refused.title).toMatch(/Resource\.memo, which the Prisma client lacks/);
  });

  it("sorts and filters every valid declaration without a 500, also through an optional relation", async () => {
    const { db, app } = await createTestApp({ plugins: [notesPlugin(), rasterSourcePlugin()] });
    try {
      const { auth } = await userWithKey(db, "root", { superuser: true });
      await db.prisma.resource.create({ data: { type: "note", name: "n", note: { create: { words: 3 } } } });
      await db.prisma.resource.create({ data: { type: "resource", name: "no note" } });
      for (const query of [
        { order_by: "words_DESC" },
        { order_by: "words_ASC" },
        { order_by: "projection_DESC" },
        { order_by: "scenario.uuid_ASC" },
        { "filter[fields][words][neq]": "2" },
        { "filter[fields][projection][exists]": "false" },
        { "filter[fields][projection][neq]": "EPSG:28992", order_by: "size_DESC" },
      ]) {
        const res = await request(app).get("/resources").query(query).set(auth);
        expect([JSON.stringify(query), res.status]).toEqual([JSON.stringify(query), 200]);
      }
      const sorted = await request(app).get("/resources").query({ order_by: "words_DESC" }).set(auth);
      expect(sorted.body.data.map((r: { attributes: { name: string } }) => r.attributes.name)).toEqual(["no note", "n"]);
    } finally {
      await db.close();
    }
  });
});
