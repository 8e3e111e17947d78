import { describe, expect, it } from "vitest";
import { isoTime } from "../src/util/iso-time";

describe("isoTime", () => {
  it("writes what Date's toISOString writes, at the edges of days, years and its own range", () => {
    const day = 86_400_000;
    const times = [
      0,
      1,
      999,
      day - 1,
      day,
      951_782_400_000, // 2000-02-29
      Date.UTC(2024, 11, 31, 23, 59, 59, 999),
      Date.UTC(2026, 11, 7, 5, 30, 42, 205),
      253_402_300_799_999, // the last millisecond of year 9999
      253_402_300_800_000, // year 10000: a six-digit year, the builtin's
      -1, // before 1970: the builtin's
      -62_198_755_200_000, // year -1
      1.5, // not a whole millisecond: the builtin truncates
    ];
    // Spread over the whole range, the same every run (a stride prime to the range).
    for (let i = 0; i < 20_000; i++) times.push((i * 12_669_542_023_457) % 253_402_300_800_000);
    for (const ms of times) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it("throws as the builtin does on what is no time", () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
  });
});
