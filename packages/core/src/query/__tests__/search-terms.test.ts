import { searchTerms } from "../compile-prisma.js";

describe("searchTerms (Django REST framework's SearchFilter splitting)", () => {
  it.each([
    ["rotterdam elevation", ["rotterdam", "elevation"]],
    ["  rain,radar ,, model ", ["rain", "radar", "model"]],
    ['"elevation model" ahn', ["elevation model", "ahn"]],
    ['dem "unclosed phrase', ["dem", "unclosed", "phrase"]],
    ["single", ["single"]],
  ])("%j -> %j", (text, terms) => {
    expect(searchTerms(text)).toEqual(terms);
  });
});
