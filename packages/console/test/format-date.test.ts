// formatDate keeps one formatter per locale and zone (a server render formats a table of dates): its text must stay
// what `toLocaleString` gives, which the page showed before and the browser shows once hydrated.
import { describe, expect, it } from "vitest";
import { formatDate } from "../src/app/page-parts";

describe("formatDate", () => {
  it("writes what toLocaleString writes, in any locale and zone, and again with the formatter kept", () => {
    const instants = [0, 1_733_540_000_000, 951_782_400_000, 1_700_000_123_456];
    for (const locale of [undefined, "en-US", "de-DE", "fr-FR", "ja-JP", "ar-EG"])
      for (const timeZone of [undefined, "UTC", "America/New_York", "Asia/Kolkata"])
        for (const round of [1, 2])
          for (const t of instants) {
            const expected = new Date(t).toLocaleString(locale, timeZone ? { timeZone } : undefined);
            expect([round, formatDate(t, { locale, timeZone })]).toEqual([round, expected]);
            // The CRM's dates are milliseconds in a string, and ISO text.
            expect(formatDate(String(t), { locale, timeZone })).toBe(expected);
            expect(formatDate(new Date(t).toISOString(), { locale, timeZone })).toBe(expected);
          }
  });

  it("writes a dash for nothing and the value itself when it is not a date", () => {
    expect([null, undefined, ""].map((v) => formatDate(v))).toEqual(["—", "—", "—"]);
    expect(formatDate("not a date")).toBe("not a date");
  });
});
