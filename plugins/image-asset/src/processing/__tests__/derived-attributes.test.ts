import { DEFAULT_RESOLUTION_THRESHOLDS, orientationOf, resolutionOf } from "../derived-attributes.js";

describe("resolutionOf", () => {
  it("classifies by the longer side, each bound inclusive", () => {
    const { icon, small, medium } = DEFAULT_RESOLUTION_THRESHOLDS;
    expect(resolutionOf(icon, 1)).toBe("icon");
    expect(resolutionOf(1, icon + 1)).toBe("small");
    expect(resolutionOf(small, small)).toBe("small");
    expect(resolutionOf(small + 1, 10)).toBe("medium");
    expect(resolutionOf(10, medium)).toBe("medium");
    expect(resolutionOf(medium + 1, 10)).toBe("large");
  });

  it("takes configured thresholds", () => {
    expect(resolutionOf(500, 500, { icon: 500, small: 600, medium: 700 })).toBe("icon");
  });
});

describe("orientationOf", () => {
  it("is landscape, portrait or square", () => {
    expect(orientationOf(2, 1)).toBe("landscape");
    expect(orientationOf(1, 2)).toBe("portrait");
    expect(orientationOf(7, 7)).toBe("square");
  });
});
