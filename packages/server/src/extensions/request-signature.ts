import { createHmac } from "node:crypto";

/** The headers HubSpot puts on requests it sends for an app (https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation). */
export const SIGNATURE_HEADER = "X-HubSpot-Signature-v3";
export const TIMESTAMP_HEADER = "X-HubSpot-Request-Timestamp";

/**
 * HubSpot's v3 request signature: base64 of HMAC-SHA256, keyed with the app's client secret, over the UTF-8 string
 * method + full URI (as sent) + body (as sent, "" when none) + timestamp (the X-HubSpot-Request-Timestamp value, ms).
 * Receivers check it with HubSpot's own helpers (`Signature.isValid` in @hubspot/api-client) and refuse timestamps
 * older than five minutes.
 */
export function signatureV3(input: { clientSecret: string; method: string; uri: string; body: string; timestamp: number }): string {
  return createHmac("sha256", input.clientSecret)
    .update(`${input.method}${input.uri}${input.body}${input.timestamp}`, "utf8")
    .digest("base64");
}
