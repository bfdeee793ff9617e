import { AppError } from "@assets/core";
import { checkLocales, fillLocales, requestLocale, siteLocales } from "../site-locales.js";

const BLANK = { alt: null, title: null, custom_data: {}, focal_point: null };

describe("site locales", () => {
  it("takes the first configured locale as the main one (default: en alone)", () => {
    expect(siteLocales()).toEqual({ all: ["en"], main: "en" });
    expect(siteLocales(["it", "en"])).toEqual({ all: ["it", "en"], main: "it" });
  });

  it.each([[[]], [["en", "en"]], [["en_US!"]]])("refuses the option %j", (given) => {
    expect(() => siteLocales(given)).toThrow(AppError);
  });

  it("reads `locale`: the main one when absent, a 422 for one the site does not have", () => {
    const locales = siteLocales(["en", "it"]);
    expect(requestLocale(locales, new URLSearchParams(""))).toBe("en");
    expect(requestLocale(locales, new URLSearchParams("locale=it"))).toBe("it");
    expect(() => requestLocale(locales, new URLSearchParams("locale=de"))).toThrow(expect.objectContaining({ code: "INVALID_PARAMETER", source: { parameter: "locale" } }));
  });

  it("refuses default_field_metadata naming another locale with INVALID_FIELD", () => {
    const locales = siteLocales(["en", "it"]);
    expect(() => checkLocales(locales, { en: {}, it: {} })).not.toThrow();
    expect(() => checkLocales(locales, { de: {} })).toThrow(expect.objectContaining({ code: "INVALID_FIELD", status: 422 }));
  });

  it("fills every locale with DatoCMS's blanks, keeping what is given and locales no longer configured", () => {
    const locales = siteLocales(["en", "it"]);
    expect(fillLocales(locales, undefined)).toEqual({ en: BLANK, it: BLANK });
    expect(fillLocales(locales, { it: { alt: "Un gatto", focal_point: { x: 0.5, y: 0.5 } }, fr: { alt: "Un chat" } })).toEqual({
      en: BLANK,
      it: { ...BLANK, alt: "Un gatto", focal_point: { x: 0.5, y: 0.5 } },
      fr: { alt: "Un chat" },
    });
  });
});
