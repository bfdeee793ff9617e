import { AppError } from "@assets/core";
import { parseImgixParams } from "../imgix-params.js";

const parse = (query: string) => parseImgixParams(new URLSearchParams(query));

/** The 400 a query gets: its status, code and the parameter it names. */
function refusal(query: string): { status: number; code: string; parameter?: string; detail: string } {
  try {
    parse(query);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const e = error as AppError;
    return { status: e.status, code: e.code, parameter: e.source?.parameter, detail: e.detail };
  }
  throw new Error(`'${query}' was accepted`);
}

describe("parseImgixParams", () => {
  it("reads every documented parameter", () => {
    expect(parse("w=400&h=300&fit=crop&crop=focalpoint&fp-x=0.25&fp-y=0.75&fp-z=2&fm=webp&q=60&dpr=2&auto=format,compress")).toEqual({
      w: { pixels: 400 },
      h: { pixels: 300 },
      fit: "crop",
      crop: ["focalpoint"],
      fpX: 0.25,
      fpY: 0.75,
      fpZ: 2,
      fm: "webp",
      q: 60,
      dpr: 2,
      auto: ["format", "compress"],
    });
    expect(parse("fit=crop&ar=16:9&rect=10,20,300,200&crop=top,left")).toEqual({
      fit: "crop",
      ar: 16 / 9,
      rect: { x: 10, y: 20, width: 300, height: 200 },
      crop: ["top", "left"],
    });
  });

  it("reads w and h below 1 as fractions of the source, as imgix does", () => {
    expect(parse("w=0.5&h=.25")).toEqual({ w: { fraction: 0.5 }, h: { fraction: 0.25 } });
  });

  it("accepts fm=jpeg as jpg and ar as a plain ratio", () => {
    expect(parse("fm=jpeg").fm).toBe("jpg");
    expect(parse("fit=crop&ar=1.5").ar).toBe(1.5);
  });

  it("ignores parameters it does not know, as imgix does", () => {
    expect(parse("v=3&utm_source=x&w=10")).toEqual({ w: { pixels: 10 } });
  });

  it.each([
    ["w=abc", "w"],
    ["w=-5", "w"],
    ["w=0", "w"],
    ["h=1e3", "h"],
    ["w=10&w=20", "w"],
    ["fit=facearea", "fit"],
    ["fit=crop&crop=faces", "crop"],
    ["fit=crop&crop=top,top", "crop"],
    ["fit=crop&crop=top,bottom", "crop"],
    ["fit=crop&crop=focalpoint,left", "crop"],
    ["fit=crop&crop=entropy,top", "crop"],
    ["fit=crop&fp-x=1.5", "fp-x"],
    ["fit=crop&fp-y=-0.1", "fp-y"],
    ["fit=crop&crop=focalpoint&fp-z=0.5", "fp-z"],
    ["fm=tiff", "fm"],
    ["fm=json", "fm"],
    ["q=101", "q"],
    ["q=50.5", "q"],
    ["dpr=0", "dpr"],
    ["dpr=6", "dpr"],
    ["fit=crop&ar=16:0", "ar"],
    ["fit=crop&ar=1:2:3", "ar"],
    ["rect=1,2,3", "rect"],
    ["rect=0,0,0,10", "rect"],
    ["rect=a,b,c,d", "rect"],
    ["auto=enhance", "auto"],
  ])("refuses %s with a 400 naming %s", (query, parameter) => {
    expect(refusal(query)).toMatchObject({ status: 400, code: "INVALID_PARAMETER", parameter });
  });

  it.each([
    ["ar=16:9", "ar"],
    ["crop=top", "crop"],
    ["fit=clip&fp-x=0.5", "fp-x"],
    ["fp-y=0.5", "fp-y"],
    ["fit=crop&fp-z=2", "fp-z"],
  ])("refuses the combination %s, naming %s", (query, parameter) => {
    const answer = refusal(query);
    expect(answer).toMatchObject({ status: 400, parameter });
    expect(answer.detail).toMatch(/fit=crop|focal point/);
  });

  it("lets fp-x/fp-y ride along with another crop mode, as DatoCMS adds them to fit=crop URLs", () => {
    expect(parse("fit=crop&crop=top&fp-x=0.2&fp-y=0.3")).toMatchObject({ crop: ["top"], fpX: 0.2, fpY: 0.3 });
  });
});
