/** Properties for the one record of each object type the corpus opens: what a person would fill in, so cards that read them have something to show. */
const PROPERTIES: Record<string, Record<string, string>> = {
  contacts: { firstname: "Ada", lastname: "Lovelace", email: "ada@corpus.example", phone: "+44 20 7946 0000", jobtitle: "Analyst" },
  companies: { name: "Analytical Engines", domain: "engines.example", city: "London", industry: "COMPUTER_SOFTWARE" },
  deals: { dealname: "Difference engine", amount: "1842", pipeline: "default", dealstage: "appointmentscheduled" },
  tickets: { subject: "The engine jams", content: "Column four sticks.", hs_pipeline: "0", hs_pipeline_stage: "1" },
  products: { name: "Punched cards", price: "12", description: "A box of 500." },
  line_items: { name: "Punched cards", quantity: "3", price: "12" },
};

export const recordPropertiesFor = (typeName: string): Record<string, string> => PROPERTIES[typeName] ?? {};
