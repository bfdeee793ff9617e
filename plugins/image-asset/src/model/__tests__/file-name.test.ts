import { basenameOf, renamedFile, withBasename } from "../file-name.js";

describe("an asset's file name parts", () => {
  it.each([
    ["photo.final.JPG", "photo.final"],
    ["README", "README"],
    ["archive.tar.gz", "archive.tar"],
  ])("the basename of %s is %s (all but the last extension)", (filename, basename) => {
    expect(basenameOf(filename)).toBe(basename);
  });

  it("renames keeping the extension; a slash or a leading dot names no directory", () => {
    expect(withBasename("cat.png", "dog")).toBe("dog.png");
    expect(withBasename("README", "NOTES")).toBe("NOTES");
    expect(withBasename("cat.png", "../../etc/passwd")).not.toContain("/");
    expect(withBasename("cat.png", "..")).not.toMatch(/^\./);
  });

  it("changes the file part of the path only", () => {
    expect(renamedFile({ path: "/0b7f3c1e-8d4a-4c4e-9a53-1f0d2f7c9e11/cat.png", filename: "cat.png" }, "tabby cat")).toEqual({
      path: "/0b7f3c1e-8d4a-4c4e-9a53-1f0d2f7c9e11/tabby cat.png",
      filename: "tabby cat.png",
      basename: "tabby cat",
    });
  });
});
