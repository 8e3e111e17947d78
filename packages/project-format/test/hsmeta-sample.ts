/** A valid 2025.2 project in the *-hsmeta.json format: one app, one card, one function with an endpoint. */
export function hsmetaSample(): Map<string, string> {
  const json = (v: unknown) => JSON.stringify(v, null, 2);
  return new Map([
    ["hsproject.json", json({ name: "meta-demo", srcDir: "src", platformVersion: "2025.2" })],
    [
      "src/app/app-hsmeta.json",
      json({
        uid: "meta_app",
        type: "app",
        config: {
          name: "Meta demo",
          description: "hsmeta sample",
          distribution: "private",
          auth: { type: "static", requiredScopes: ["crm.objects.deals.read"], optionalScopes: ["crm.objects.deals.write"] },
          permittedUrls: { fetch: ["https://api.example.com/v1"], iframe: [], img: [] },
        },
      }),
    ],
    [
      "src/app/cards/deal-card-hsmeta.json",
      json({
        uid: "deal_card",
        type: "card",
        config: { name: "Deal card", location: "crm.record.tab", entrypoint: "/app/cards/DealCard.jsx", objectTypes: ["DEAL", "p_pets"] },
      }),
    ],
    ["src/app/cards/DealCard.jsx", "export default null;\n"],
    ["src/app/cards/package.json", json({ name: "cards", dependencies: {} })],
    [
      "src/app/functions/quote-hsmeta.json",
      json({
        uid: "fetch_quote",
        type: "app-function",
        config: {
          entrypoint: "/app/functions/quote.js",
          secretKeys: ["QUOTE_KEY"],
          endpoint: { path: "quotes/fetch", methods: ["GET", "POST"] },
        },
      }),
    ],
    ["src/app/functions/quote.js", "exports.main = async () => ({});\n"],
    ["src/app/functions/package.json", json({ name: "fns", dependencies: {} })],
  ]);
}
