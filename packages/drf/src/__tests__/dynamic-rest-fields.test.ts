import { AppError } from "@assets/core";
import { parseFieldSelection, renderSelected, selectedFields, type SerializerFields } from "../dynamic-rest-fields.js";

const resource: SerializerFields = { name: "resource", fields: ["pk", "uuid", "title", "abstract", "owner", "attribute_set"], deferred: ["attribute_set"] };
const select = (include: string[], exclude: string[] = []) => selectedFields(parseFieldSelection(include, exclude), resource);

describe("selectedFields", () => {
  it("renders the default fields, deferred ones left out", () => {
    expect(selectedFields(undefined, resource)).toEqual(["pk", "uuid", "title", "abstract", "owner"]);
  });

  it("include[] adds a deferred field, exclude[] removes a default one", () => {
    expect(select(["attribute_set"], ["abstract"])).toEqual(["pk", "uuid", "title", "owner", "attribute_set"]);
  });

  it("exclude[]=* keeps only the included fields, include[]=* renders everything", () => {
    expect(select(["title", "pk"], ["*"])).toEqual(["pk", "title"]);
    expect(select(["*"])).toEqual(resource.fields);
  });

  it("a nested include (owner.username) includes its parent", () => {
    expect(select(["owner.username"], ["*"])).toEqual(["owner"]);
  });

  it("a field the serializer does not have is a 400 naming it", () => {
    expect(() => select(["nope"])).toThrow(AppError);
    expect(() => select(["nope"])).toThrow('"nope" is not a valid field name for "resource".');
  });
});

describe("renderSelected", () => {
  it("computes only the selected fields and hands nested selections down", () => {
    const asked: string[] = [];
    const out = renderSelected(parseFieldSelection(["owner.username"], ["*"]), resource, (field, nested) => {
      asked.push(field);
      return nested;
    });
    expect(asked).toEqual(["owner"]);
    expect(out).toEqual({ owner: { username: true } });
  });
});
