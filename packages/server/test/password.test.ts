import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { DEFAULT_PASSWORD_HASH_COST, hashPassword, unmatchableHash, verifyPassword } from "../src/crypto/password";

describe("password hashes (SPROCKET_PASSWORD_HASH_COST)", () => {
  it("default to scrypt at N = 2^15 and take the setting from 2^10 to 2^17", () => {
    expect(loadConfig({}, {}).passwordHashCost).toBe(15);
    expect(DEFAULT_PASSWORD_HASH_COST).toBe(15);
    expect(loadConfig({}, { SPROCKET_PASSWORD_HASH_COST: "10" }).passwordHashCost).toBe(10);
    expect(loadConfig({}, { SPROCKET_PASSWORD_HASH_COST: "17" }).passwordHashCost).toBe(17);
    expect(() => loadConfig({}, { SPROCKET_PASSWORD_HASH_COST: "18" })).toThrow("SPROCKET_PASSWORD_HASH_COST");
  });

  it("hash at the cost given and verify at the cost the hash was made with, so a changed setting keeps old logins", async () => {
    const cheap = await hashPassword("correct horse", 10);
    const strong = await hashPassword("correct horse", 12);
    expect(cheap).toMatch(/^scrypt\$1024\$/);
    expect(strong).toMatch(/^scrypt\$4096\$/);
    for (const stored of [cheap, strong]) {
      expect(await verifyPassword("correct horse", stored)).toBe(true);
      expect(await verifyPassword("correct horsf", stored)).toBe(false);
    }
  });

  it("have an unmatchable twin at each cost, which unknown emails are checked against", async () => {
    expect(unmatchableHash(10)).toMatch(/^scrypt\$1024\$/);
    expect(unmatchableHash(15)).toMatch(/^scrypt\$32768\$/);
    expect(await verifyPassword("", unmatchableHash(10))).toBe(false);
    expect(await verifyPassword("anything", unmatchableHash(10))).toBe(false);
  });
});
