import { AppError } from "@assets/core";
import { parseImgixParams } from "../imgix-params.js";
import { accepts, planTransform, type SourceImage, type TransformDecision, type TransformPlan } from "../transform-plan.js";

const JPEG: SourceImage = { width: 4000, height: 3000, pages: 1, format: "jpg", hasAlpha: false };
const plan = (query: string, source: SourceImage = JPEG, accept?: string): TransformDecision =>
  planTransform(parseImgixParams(new URLSearchParams(query)), source, { accept });
const derivative = (query: string, source: SourceImage = JPEG, accept?: string): TransformPlan => {
  const decision = plan(query, source, accept);
  if (decision.kind !== "derivative") throw new Error(`${query} serves the original`);
  return decision.plan;
};
const size = (p: TransformPlan) => [p.width, p.height];

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("accepted");
}

describe("planTransform: output sizes (4000 x 3000 source)", () => {
  it.each([
    ["w=400", [400, 300]],
    ["h=300", [400, 300]],
    ["w=0.1", [400, 300]],
    ["w=400&h=400", [400, 300]], // clip: inside the box
    ["w=400&h=400&fit=clip", [400, 300]],
  ])("%s", (query, expected) => {
    expect(size(derivative(query))).toEqual(expected);
  });

  it("fit=max never enlarges, fit=clip does", () => {
    const small: SourceImage = { ...JPEG, width: 400, height: 300 };
    expect(size(derivative("w=800&h=800&fit=max", small))).toEqual([400, 300]);
    expect(size(derivative("w=800&h=800&fit=clip", small))).toEqual([800, 600]);
    expect(size(derivative("w=800&fit=max", small))).toEqual([400, 300]);
  });

  it("fit=scale distorts to the exact box; fit=fill letterboxes into it", () => {
    expect(derivative("w=300&h=300&fit=scale")).toMatchObject({ width: 300, height: 300, resize: "exact" });
    expect(plan("w=300&h=300&fit=scale").kind).toBe("derivative");
    expect(derivative("w=300&h=300&fit=scale").region).toBeUndefined();
    expect(derivative("w=300&h=300&fit=fill")).toMatchObject({ width: 300, height: 300, resize: "contain", background: { r: 255, g: 255, b: 255, alpha: 1 } });
    expect(derivative("w=300&h=300&fit=fill&fm=png").background).toEqual({ r: 0, g: 0, b: 0, alpha: 0 });
  });

  it("fit=crop keeps the centre by default and follows crop gravity", () => {
    expect(derivative("w=300&h=300&fit=crop")).toMatchObject({ width: 300, height: 300, region: { left: 500, top: 0, width: 3000, height: 3000 } });
    expect(derivative("w=300&h=300&fit=crop&crop=left").region).toEqual({ left: 0, top: 0, width: 3000, height: 3000 });
    expect(derivative("w=300&h=300&fit=crop&crop=right").region).toEqual({ left: 1000, top: 0, width: 3000, height: 3000 });
    expect(derivative("w=400&h=100&fit=crop&crop=bottom").region).toEqual({ left: 0, top: 2000, width: 4000, height: 1000 });
  });

  it("fit=crop around the focal point: fp-x/fp-y, else the asset's focal point, zoomed by fp-z, kept inside the image", () => {
    expect(derivative("w=100&h=100&fit=crop&crop=focalpoint&fp-x=0.9&fp-y=0.5").region).toEqual({ left: 1000, top: 0, width: 3000, height: 3000 });
    expect(derivative("w=100&h=100&fit=crop&fp-x=0.5&fp-y=0.5&fp-z=3").region).toEqual({ left: 1500, top: 1000, width: 1000, height: 1000 });
    const withFocus = { ...JPEG, focalPoint: { x: 0.25, y: 0.25 } };
    expect(derivative("w=100&h=100&fit=crop&crop=focalpoint&fp-z=2", withFocus).region).toEqual({ left: 250, top: 0, width: 1500, height: 1500 });
    expect(derivative("w=100&h=100&fit=crop&crop=focalpoint&fp-z=4", withFocus).region).toEqual({ left: 625, top: 375, width: 750, height: 750 });
  });

  it("fit=crop&ar sets the missing side, or crops to the ratio at full size", () => {
    expect(size(derivative("w=320&fit=crop&ar=16:9"))).toEqual([320, 180]);
    expect(size(derivative("h=90&fit=crop&ar=16:9"))).toEqual([160, 90]);
    expect(derivative("fit=crop&ar=1:1")).toMatchObject({ width: 3000, height: 3000, region: { left: 500, top: 0, width: 3000, height: 3000 } });
  });

  it("fit=min crops to the ratio without exceeding the source", () => {
    expect(derivative("w=300&h=300&fit=min")).toMatchObject({ width: 300, height: 300, region: { left: 500, top: 0, width: 3000, height: 3000 } });
    const small: SourceImage = { ...JPEG, width: 400, height: 300 };
    expect(derivative("w=800&h=400&fit=min", small)).toMatchObject({ width: 400, height: 200, region: { left: 0, top: 50, width: 400, height: 200 } });
  });

  it("crop=entropy and crop=edges leave the crop to libvips", () => {
    expect(derivative("w=200&h=200&fit=crop&crop=entropy")).toMatchObject({ resize: "entropy", width: 200, height: 200 });
    expect(derivative("w=200&h=200&fit=crop&crop=edges").resize).toBe("attention");
  });

  it("rect cuts the source first, clamped to it; w fractions are of the rect", () => {
    expect(derivative("rect=3000,2000,2000,2000&w=0.5")).toMatchObject({ region: { left: 3000, top: 2000, width: 1000, height: 1000 }, width: 500, height: 500 });
    expect(refusal(() => plan("rect=5000,0,10,10")).source?.parameter).toBe("rect");
  });

  it("dpr multiplies the size, and two spellings of one output give one plan", () => {
    expect(derivative("w=200&dpr=2")).toEqual(derivative("w=400"));
    expect(derivative("w=200&h=100&fit=crop&dpr=1.5")).toEqual(derivative("w=300&h=150&fit=crop"));
    expect(derivative("w=400&q=75&fm=jpg")).toEqual(derivative("w=400"));
  });

  it("keeps the orientation-corrected size of the source it is given", () => {
    const portrait: SourceImage = { ...JPEG, width: 3000, height: 4000 };
    expect(size(derivative("w=300", portrait))).toEqual([300, 400]);
  });
});

describe("planTransform: formats", () => {
  it("serves the original when nothing changes", () => {
    expect(plan("")).toEqual({ kind: "original", variesOnAccept: false });
    expect(plan("fm=jpg")).toEqual({ kind: "original", variesOnAccept: false });
    expect(plan("v=2")).toEqual({ kind: "original", variesOnAccept: false });
  });

  it("re-encodes for fm, q, auto=compress and pjpg", () => {
    expect(derivative("fm=webp")).toMatchObject({ format: "webp", quality: 75, width: 4000, height: 3000 });
    expect(derivative("q=40").quality).toBe(40);
    expect(derivative("auto=compress").quality).toBe(45);
    expect(derivative("auto=compress&q=80").quality).toBe(80);
    expect(derivative("fm=pjpg")).toMatchObject({ format: "jpeg", progressive: true });
    expect(derivative("w=10&fm=png&q=10").quality).toBeUndefined();
  });

  it("auto=format picks AVIF, then WebP, from Accept, and says the answer varies on it", () => {
    const browser = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8";
    expect(plan("w=100&auto=format", JPEG, browser)).toMatchObject({ kind: "derivative", variesOnAccept: true, plan: { format: "avif" } });
    expect(derivative("w=100&auto=format", JPEG, "image/webp,*/*")).toMatchObject({ format: "webp" });
    expect(derivative("w=100&auto=format", JPEG, "image/*,*/*;q=0.8").format).toBe("jpeg");
    expect(derivative("w=100&auto=format", JPEG, "image/avif;q=0,image/webp").format).toBe("webp");
    expect(plan("w=100&fm=png&auto=format", JPEG, browser)).toMatchObject({ variesOnAccept: false, plan: { format: "png" } });
    expect(plan("auto=format", JPEG, "image/jpeg")).toEqual({ kind: "original", variesOnAccept: true });
  });

  it("keeps an animation's frames for GIF and WebP only (no animated AVIF)", () => {
    const gif: SourceImage = { width: 40, height: 30, pages: 3, format: "gif", hasAlpha: true };
    expect(derivative("w=20", gif)).toMatchObject({ format: "gif", animated: true });
    expect(derivative("w=20&auto=format", gif, "image/avif,image/webp")).toMatchObject({ format: "webp", animated: true });
    expect(derivative("w=20&fm=png", gif)).toMatchObject({ format: "png", animated: false });
  });

  it("delivers formats browsers cannot show as PNG (alpha) or JPEG", () => {
    expect(derivative("w=100", { ...JPEG, format: "tiff" }).format).toBe("jpeg");
    expect(derivative("w=100", { ...JPEG, format: "svg", hasAlpha: true }).format).toBe("png");
  });

  it("reads Accept by media type and quality", () => {
    expect(accepts("image/webp;q=0.5", "image/webp")).toBe(true);
    expect(accepts("image/webp;q=0", "image/webp")).toBe(false);
    expect(accepts("*/*", "image/webp")).toBe(false);
  });
});

describe("planTransform: limits", () => {
  it("refuses an output side over the limit, naming the parameter that asked for it", () => {
    const wide = refusal(() => plan("w=6000"));
    expect(wide).toMatchObject({ status: 400, code: "INVALID_PARAMETER", source: { parameter: "w" } });
    expect(wide.detail).toBe("the output would be 6000 x 4500 pixels; at most 5000 on a side");
    expect(refusal(() => plan("h=400&dpr=5&w=4000&fit=scale")).source?.parameter).toBe("w");
    expect(refusal(() => plan("h=3000&dpr=2")).source?.parameter).toBe("h");
  });

  it("refuses too many output pixels, counting every frame", () => {
    const gif: SourceImage = { width: 2000, height: 1500, pages: 10, format: "gif", hasAlpha: false };
    const error = refusal(() => plan("w=2000", gif));
    expect(error.detail).toContain("in 10 frames");
    expect(error.source?.parameter).toBe("w");
    expect(derivative("w=2000&fm=jpg", gif)).toMatchObject({ animated: false, width: 2000 });
  });

  it("refuses a source over the input budget with a 422", () => {
    const huge: SourceImage = { ...JPEG, width: 20000, height: 20000 };
    expect(refusal(() => plan("w=100", huge))).toMatchObject({ status: 422, code: "UNPROCESSABLE" });
  });

  it("honours configured limits", () => {
    expect(() => planTransform(parseImgixParams(new URLSearchParams("w=600")), JPEG, { limits: { maxOutputSide: 500 } })).toThrow(AppError);
  });
});
