import { Signature } from "@hubspot/api-client";
import { describe, expect, it } from "vitest";
import { signatureV3 } from "../src/extensions/request-signature";

// HubSpot's reference: the v3 check of its own Node client (method + URI + body + timestamp, HMAC-SHA256, base64).
describe("X-HubSpot-Signature-v3", () => {
  const clientSecret = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";

  it("is what HubSpot's client computes and accepts, for a body and for none", () => {
    for (const [method, uri, body] of [
      ["POST", "https://www.example.com/webhook_uri", '{"example_field":"example_value"}'],
      ["GET", "https://api.example.com/v1/deals?userId=1&userEmail=a%40b.test&appId=7&portalId=3", ""],
      ["PATCH", "https://api.example.com/v1/deals/é", '{"name":"Ünïcode"}'],
    ] as const) {
      const timestamp = Date.now();
      const signature = signatureV3({ clientSecret, method, uri, body, timestamp });
      expect(signature).toBe(Signature.getSignature(method, "v3", { signature: "", clientSecret, url: uri, requestBody: body, timestamp }));
      expect(Signature.isValid({ signatureVersion: "v3", signature, clientSecret, method, url: uri, requestBody: body, timestamp })).toBe(
        true,
      );
    }
  });

  it("changes with every signed part and with the secret", () => {
    const base = { clientSecret, method: "POST", uri: "https://a.example/x", body: "{}", timestamp: 1_700_000_000_000 };
    const signature = signatureV3(base);
    expect(signature).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    for (const changed of [
      { method: "PUT" },
      { uri: "https://a.example/y" },
      { body: "{ }" },
      { timestamp: base.timestamp + 1 },
      { clientSecret: "other" },
    ]) {
      expect(signatureV3({ ...base, ...changed })).not.toBe(signature);
    }
  });
});
