/**
 * HubSpot-defined properties and groups per object type: a representative subset of HubSpot's defaults, with the
 * same names, types and option values. They live in code; an account's changes to them are rows in crm_properties.
 */
export type PropertyType = "string" | "number" | "date" | "datetime" | "enumeration" | "bool";
export const PROPERTY_TYPES: readonly PropertyType[] = ["string", "number", "date", "datetime", "enumeration", "bool"];
export const FIELD_TYPES = ["textarea", "text", "date", "file", "number", "select", "radio", "checkbox", "booleancheckbox", "calculation_equation", "phonenumber", "html"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
  description?: string;
}

export interface PropertySpec {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: FieldType;
  groupName: string;
  description: string;
  options: PropertyOption[];
  displayOrder: number;
  hasUniqueValue: boolean;
  hidden: boolean;
  formField: boolean;
  hubspotDefined: boolean;
  externalOptions: boolean;
  /** Set by the platform only (createdate, hs_object_id, …). */
  readOnlyValue: boolean;
  referencedObjectType?: string;
}

export interface GroupSpec {
  name: string;
  label: string;
  displayOrder: number;
}

const options = (...values: Array<string | [string, string]>): PropertyOption[] =>
  values.map((v, i) => {
    const [value, label] = Array.isArray(v) ? v : [v, v.charAt(0).toUpperCase() + v.slice(1).replace(/_/g, " ").toLowerCase()];
    return { label, value, displayOrder: i, hidden: false };
  });

type Short = [name: string, label: string, type: PropertyType, fieldType: FieldType, extra?: Partial<PropertySpec>];

function specs(groupName: string, list: Short[]): PropertySpec[] {
  return list.map(([name, label, type, fieldType, extra], i) => ({
    name,
    label,
    type,
    fieldType,
    groupName,
    description: "",
    options: [],
    displayOrder: i,
    hasUniqueValue: false,
    hidden: false,
    formField: type !== "datetime",
    hubspotDefined: true,
    externalOptions: false,
    readOnlyValue: false,
    ...extra,
  }));
}

const system = (lastModified: string): Short[] => [
  ["createdate", "Create Date", "datetime", "date", { readOnlyValue: true, formField: false }],
  [lastModified, "Last Modified Date", "datetime", "date", { readOnlyValue: true, formField: false }],
  ["hs_object_id", "Record ID", "number", "number", { readOnlyValue: true, formField: false }],
];

const owner: Short = ["hubspot_owner_id", "Owner", "enumeration", "select", { externalOptions: true, referencedObjectType: "OWNER" }];

const lifecycle = options(
  ["subscriber", "Subscriber"],
  ["lead", "Lead"],
  ["marketingqualifiedlead", "Marketing Qualified Lead"],
  ["salesqualifiedlead", "Sales Qualified Lead"],
  ["opportunity", "Opportunity"],
  ["customer", "Customer"],
  ["evangelist", "Evangelist"],
  ["other", "Other"],
);

export const DEAL_STAGES = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"];
export const INDUSTRIES = ["COMPUTER_SOFTWARE", "INFORMATION_TECHNOLOGY_AND_SERVICES", "FINANCIAL_SERVICES", "HOSPITAL_HEALTH_CARE", "RETAIL", "MARKETING_AND_ADVERTISING", "EDUCATION_MANAGEMENT", "CONSTRUCTION"];

export const DEFAULT_PROPERTIES: Record<string, PropertySpec[]> = {
  "0-1": specs("contactinformation", [
    ["email", "Email", "string", "text", { hasUniqueValue: true }],
    ["firstname", "First Name", "string", "text"],
    ["lastname", "Last Name", "string", "text"],
    ["phone", "Phone Number", "string", "phonenumber"],
    ["mobilephone", "Mobile Phone Number", "string", "phonenumber"],
    ["fax", "Fax Number", "string", "phonenumber"],
    ["company", "Company Name", "string", "text"],
    ["jobtitle", "Job Title", "string", "text"],
    ["website", "Website URL", "string", "text"],
    ["address", "Street Address", "string", "text"],
    ["city", "City", "string", "text"],
    ["state", "State/Region", "string", "text"],
    ["zip", "Postal Code", "string", "text"],
    ["country", "Country/Region", "string", "text"],
    ["hs_additional_emails", "Additional email addresses", "enumeration", "checkbox", { externalOptions: true }],
    ["lifecyclestage", "Lifecycle Stage", "enumeration", "radio", { options: lifecycle }],
    ["hs_lead_status", "Lead Status", "enumeration", "radio", { options: options("NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING") }],
    ["hubspotscore", "HubSpot Score", "number", "number"],
    ["hs_email_optout", "Unsubscribed from all email", "bool", "booleancheckbox", { options: options(["true", "True"], ["false", "False"]) }],
    ["closedate", "Close Date", "datetime", "date"],
    owner,
    ...system("lastmodifieddate"),
  ]),
  "0-2": specs("companyinformation", [
    ["name", "Company name", "string", "text"],
    ["domain", "Company Domain Name", "string", "text"],
    ["website", "Website URL", "string", "text"],
    ["phone", "Phone Number", "string", "phonenumber"],
    ["address", "Street Address", "string", "text"],
    ["city", "City", "string", "text"],
    ["state", "State/Region", "string", "text"],
    ["zip", "Postal Code", "string", "text"],
    ["country", "Country/Region", "string", "text"],
    ["industry", "Industry", "enumeration", "select", { options: options(...INDUSTRIES) }],
    ["numberofemployees", "Number of Employees", "number", "number"],
    ["annualrevenue", "Annual Revenue", "number", "number"],
    ["description", "Description", "string", "textarea"],
    ["type", "Type", "enumeration", "select", { options: options("PROSPECT", "PARTNER", "RESELLER", "VENDOR", "OTHER") }],
    ["lifecyclestage", "Lifecycle Stage", "enumeration", "radio", { options: lifecycle }],
    ["founded_year", "Year Founded", "string", "text"],
    owner,
    ...system("hs_lastmodifieddate"),
  ]),
  "0-3": specs("dealinformation", [
    ["dealname", "Deal Name", "string", "text"],
    ["amount", "Amount", "number", "number"],
    ["closedate", "Close Date", "datetime", "date"],
    ["pipeline", "Pipeline", "enumeration", "select", { options: options(["default", "Sales Pipeline"]) }],
    ["dealstage", "Deal Stage", "enumeration", "radio", { options: options(...DEAL_STAGES) }],
    ["dealtype", "Deal Type", "enumeration", "radio", { options: options(["newbusiness", "New Business"], ["existingbusiness", "Existing Business"]) }],
    ["description", "Deal Description", "string", "textarea"],
    ["hs_priority", "Priority", "enumeration", "radio", { options: options("low", "medium", "high") }],
    owner,
    ...system("hs_lastmodifieddate"),
  ]),
  "0-5": specs("ticketinformation", [
    ["subject", "Ticket name", "string", "text"],
    ["content", "Ticket description", "string", "textarea"],
    ["hs_pipeline", "Pipeline", "enumeration", "select", { options: options(["0", "Support Pipeline"]) }],
    ["hs_pipeline_stage", "Ticket status", "enumeration", "radio", { options: options(["1", "New"], ["2", "Waiting on contact"], ["3", "Waiting on us"], ["4", "Closed"]) }],
    ["hs_ticket_category", "Category", "enumeration", "checkbox", { options: options("PRODUCT_ISSUE", "BILLING_ISSUE", "FEATURE_REQUEST", "GENERAL_INQUIRY") }],
    ["hs_ticket_priority", "Priority", "enumeration", "select", { options: options("LOW", "MEDIUM", "HIGH", "URGENT") }],
    ["source_type", "Source", "enumeration", "select", { options: options("CHAT", "EMAIL", "FORM", "PHONE") }],
    ["closed_date", "Close date", "datetime", "date"],
    owner,
    ...system("hs_lastmodifieddate"),
  ]),
  "0-7": specs("productinformation", [
    ["name", "Name", "string", "text"],
    ["description", "Description", "string", "textarea"],
    ["price", "Unit price", "number", "number"],
    ["hs_sku", "SKU", "string", "text"],
    ["hs_cost_of_goods_sold", "Unit cost", "number", "number"],
    ["hs_recurring_billing_period", "Term", "string", "text"],
    ...system("hs_lastmodifieddate"),
  ]),
  "0-8": specs("lineiteminformation", [
    ["name", "Name", "string", "text"],
    ["description", "Description", "string", "textarea"],
    ["quantity", "Quantity", "number", "number"],
    ["price", "Unit price", "number", "number"],
    ["amount", "Net price", "number", "number"],
    ["hs_product_id", "Product ID", "string", "text"],
    ["hs_sku", "SKU", "string", "text"],
    ...system("hs_lastmodifieddate"),
  ]),
};

export const DEFAULT_GROUPS: Record<string, GroupSpec[]> = {
  "0-1": [{ name: "contactinformation", label: "Contact information", displayOrder: 0 }],
  "0-2": [{ name: "companyinformation", label: "Company information", displayOrder: 0 }],
  "0-3": [{ name: "dealinformation", label: "Deal information", displayOrder: 0 }],
  "0-5": [{ name: "ticketinformation", label: "Ticket information", displayOrder: 0 }],
  "0-7": [{ name: "productinformation", label: "Product information", displayOrder: 0 }],
  "0-8": [{ name: "lineiteminformation", label: "Line item information", displayOrder: 0 }],
};
