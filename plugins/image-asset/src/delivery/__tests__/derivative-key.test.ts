import { assertValidKey } from "@assets/core";
import { derivativeETag, derivativeKey } from "../derivative-key.js";
import { parseImgixParams } from "../imgix-params.js";
import { planTransform, type SourceImage, type TransformPlan } from "../transform-plan.js";

const SOURCE: SourceImage = { width: 4000, height: 3000, pages: 1, format: "jpg", hasAlpha: false };
const SHA = "a".repeat(64);
function planOf(query: string, accept?: string): TransformPlan {
  const decision = planTransform(parseImgixParams(new URLSearchParams(query)), SOURCE, { accept });
  if (decision.kind !== "derivative") throw new Error("original");
  return decision.plan;
}

describe("derivativeKey", () => {
  it("is one key for every spelling of one output, parameter order and unknown parameters included", () => {
    const key = derivativeKey(SHA, planOf("w=400&fit=crop&h=300"));
    expect(derivativeKey(SHA, planOf("h=300&fit=crop&w=400&v=7"))).toBe(key);
    expect(derivativeKey(SHA, planOf("w=200&h=150&fit=crop&dpr=2"))).toBe(key);
    expect(derivativeKey(SHA, planOf("w=400&h=300&fit=crop&q=75"))).toBe(key);
  });

  it("differs when the output differs, and per source", () => {
    const key = derivativeKey(SHA, planOf("w=400"));
    expect(derivativeKey(SHA, planOf("w=401"))).not.toBe(key);
    expect(derivativeKey(SHA, planOf("w=400&q=74"))).not.toBe(key);
    expect(derivativeKey(SHA, planOf("w=400&fm=webp"))).not.toBe(key);
    expect(derivativeKey("b".repeat(64), planOf("w=400"))).not.toBe(key);
  });

  it("keys auto=format by the format it resolved to", () => {
    expect(derivativeKey(SHA, planOf("w=400&auto=format", "image/webp"))).toBe(derivativeKey(SHA, planOf("w=400&fm=webp")));
  });

  it("is a valid storage key with the format's extension, and the ETag is its quoted digest", () => {
    const plan = planOf("w=400&fm=avif");
    const key = derivativeKey(SHA, plan);
    expect(() => assertValidKey(key)).not.toThrow();
    expect(key).toMatch(new RegExp(`^derivatives/${SHA}/[0-9a-f]{40}\\.avif$`));
    expect(derivativeETag(SHA, plan)).toBe(`"${key.split("/")[2]!.split(".")[0]}"`);
  });
});
