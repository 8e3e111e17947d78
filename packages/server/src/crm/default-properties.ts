/**
 * HubSpot-defined properties and groups per object type: a representative subset of HubSpot's defaults, with the
 * same names, types and option values. They live in code; an account's changes to them are rows in crm_properties.
 */
export type PropertyType = "string" | "number" | "date" | "datetime" | "enumeration" | "bool";
export const PROPERTY_TYPES: readonly PropertyType[] = ["string", "number", "date", "datetime", "enumeration", "bool"];
export const FIELD_TYPES = [
  "textarea",
  "text",
  "date",
  "file",
  "number",
  "select",
  "radio",
  "checkbox",
  "booleancheckbox",
  "calculation_equation",
  "phonenumber",
  "html",
] as const;
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

/** An activity's properties: when it happened and whose it is, then its own fields (in "<name>information"). */
const activity = (singular: string, own: Short[]): PropertySpec[] =>
  specs(`${singular}information`, [["hs_timestamp", "Activity date", "datetime", "date"], ...own, owner, ...system("hs_lastmodifieddate")]);

export const DEAL_STAGES = [
  "appointmentscheduled",
  "qualifiedtobuy",
  "presentationscheduled",
  "decisionmakerboughtin",
  "contractsent",
  "closedwon",
  "closedlost",
];
export const INDUSTRIES = [
  "COMPUTER_SOFTWARE",
  "INFORMATION_TECHNOLOGY_AND_SERVICES",
  "FINANCIAL_SERVICES",
  "HOSPITAL_HEALTH_CARE",
  "RETAIL",
  "MARKETING_AND_ADVERTISING",
  "EDUCATION_MANAGEMENT",
  "CONSTRUCTION",
];

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
    [
      "hs_lead_status",
      "Lead Status",
      "enumeration",
      "radio",
      { options: options("NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING") },
    ],
    ["hubspotscore", "HubSpot Score", "number", "number"],
    [
      "hs_email_optout",
      "Unsubscribed from all email",
      "bool",
      "booleancheckbox",
      { options: options(["true", "True"], ["false", "False"]) },
    ],
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
    [
      "dealtype",
      "Deal Type",
      "enumeration",
      "radio",
      { options: options(["newbusiness", "New Business"], ["existingbusiness", "Existing Business"]) },
    ],
    ["description", "Deal Description", "string", "textarea"],
    ["hs_priority", "Priority", "enumeration", "radio", { options: options("low", "medium", "high") }],
    owner,
    ...system("hs_lastmodifieddate"),
  ]),
  "0-5": specs("ticketinformation", [
    ["subject", "Ticket name", "string", "text"],
    ["content", "Ticket description", "string", "textarea"],
    ["hs_pipeline", "Pipeline", "enumeration", "select", { options: options(["0", "Support Pipeline"]) }],
    [
      "hs_pipeline_stage",
      "Ticket status",
      "enumeration",
      "radio",
      { options: options(["1", "New"], ["2", "Waiting on contact"], ["3", "Waiting on us"], ["4", "Closed"]) },
    ],
    [
      "hs_ticket_category",
      "Category",
      "enumeration",
      "checkbox",
      { options: options("PRODUCT_ISSUE", "BILLING_ISSUE", "FEATURE_REQUEST", "GENERAL_INQUIRY") },
    ],
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
  "0-14": specs("quoteinformation", [
    ["hs_title", "Quote Name", "string", "text"],
    ["hs_expiration_date", "Expiration Date", "datetime", "date"],
    [
      "hs_status",
      "Quote approval status",
      "enumeration",
      "select",
      { options: options("DRAFT", "APPROVAL_NOT_NEEDED", "PENDING_APPROVAL", "APPROVED", "REJECTED") },
    ],
    ["hs_currency", "Currency", "string", "text"],
    ["hs_language", "Language", "string", "text"],
    ["hs_locale", "Locale", "string", "text"],
    ["hs_quote_amount", "Quote Amount", "number", "number"],
    ["hs_sender_firstname", "Sender First Name", "string", "text"],
    ["hs_sender_lastname", "Sender Last Name", "string", "text"],
    ["hs_sender_email", "Sender Email", "string", "text"],
    ["hs_esign_enabled", "E-Sign Enabled", "bool", "booleancheckbox", { options: options(["true", "True"], ["false", "False"]) }],
    owner,
    ...system("hs_lastmodifieddate"),
  ]),
  "0-46": activity("note", [
    ["hs_note_body", "Note Body", "string", "html"],
    ["hs_attachment_ids", "Attachment IDs", "enumeration", "checkbox", { externalOptions: true }],
  ]),
  "0-27": activity("task", [
    ["hs_task_subject", "Task Title", "string", "text"],
    ["hs_task_body", "Task Notes", "string", "html"],
    [
      "hs_task_status",
      "Task Status",
      "enumeration",
      "select",
      { options: options("NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED") },
    ],
    ["hs_task_priority", "Priority", "enumeration", "select", { options: options("NONE", "LOW", "MEDIUM", "HIGH") }],
    ["hs_task_type", "Task Type", "enumeration", "select", { options: options("TODO", "CALL", "EMAIL") }],
  ]),
  "0-48": activity("call", [
    ["hs_call_title", "Call Title", "string", "text"],
    ["hs_call_body", "Call Notes", "string", "html"],
    ["hs_call_duration", "Call Duration", "number", "number"],
    ["hs_call_direction", "Call Direction", "enumeration", "select", { options: options("INBOUND", "OUTBOUND") }],
    ["hs_call_disposition", "Call Outcome", "string", "text"],
    [
      "hs_call_status",
      "Call Status",
      "enumeration",
      "select",
      {
        options: options(
          "BUSY",
          "CALLING_CRM_USER",
          "CANCELED",
          "COMPLETED",
          "CONNECTING",
          "FAILED",
          "IN_PROGRESS",
          "NO_ANSWER",
          "QUEUED",
          "RINGING",
        ),
      },
    ],
    ["hs_call_from_number", "From Number", "string", "phonenumber"],
    ["hs_call_to_number", "To Number", "string", "phonenumber"],
    ["hs_call_recording_url", "Recording URL", "string", "text"],
  ]),
  "0-49": activity("email", [
    ["hs_email_subject", "Email Subject", "string", "text"],
    ["hs_email_text", "Email Body", "string", "textarea"],
    ["hs_email_html", "Email HTML Body", "string", "html"],
    ["hs_email_direction", "Email Direction", "enumeration", "select", { options: options("EMAIL", "INCOMING_EMAIL", "FORWARDED_EMAIL") }],
    [
      "hs_email_status",
      "Email Send Status",
      "enumeration",
      "select",
      { options: options("BOUNCED", "FAILED", "SCHEDULED", "SENDING", "SENT") },
    ],
    ["hs_email_headers", "Email Headers", "string", "textarea"],
  ]),
  "0-47": activity("meeting", [
    ["hs_meeting_title", "Meeting Name", "string", "text"],
    ["hs_meeting_body", "Meeting Description", "string", "html"],
    ["hs_internal_meeting_notes", "Internal Meeting Notes", "string", "html"],
    ["hs_meeting_external_url", "External URL", "string", "text"],
    ["hs_meeting_location", "Meeting Location", "string", "text"],
    ["hs_meeting_start_time", "Meeting Start Time", "datetime", "date"],
    ["hs_meeting_end_time", "Meeting End Time", "datetime", "date"],
    [
      "hs_meeting_outcome",
      "Meeting Outcome",
      "enumeration",
      "select",
      { options: options("SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED") },
    ],
  ]),
};

export const DEFAULT_GROUPS: Record<string, GroupSpec[]> = {
  "0-1": [{ name: "contactinformation", label: "Contact information", displayOrder: 0 }],
  "0-2": [{ name: "companyinformation", label: "Company information", displayOrder: 0 }],
  "0-3": [{ name: "dealinformation", label: "Deal information", displayOrder: 0 }],
  "0-5": [{ name: "ticketinformation", label: "Ticket information", displayOrder: 0 }],
  "0-7": [{ name: "productinformation", label: "Product information", displayOrder: 0 }],
  "0-8": [{ name: "lineiteminformation", label: "Line item information", displayOrder: 0 }],
  "0-14": [{ name: "quoteinformation", label: "Quote information", displayOrder: 0 }],
  "0-46": [{ name: "noteinformation", label: "Note information", displayOrder: 0 }],
  "0-27": [{ name: "taskinformation", label: "Task information", displayOrder: 0 }],
  "0-48": [{ name: "callinformation", label: "Call information", displayOrder: 0 }],
  "0-49": [{ name: "emailinformation", label: "Email information", displayOrder: 0 }],
  "0-47": [{ name: "meetinginformation", label: "Meeting information", displayOrder: 0 }],
};

/** Custom objects (type ids "2-<n>") start with HubSpot's system properties and one group for their own. */
const CUSTOM_PROPERTIES = specs("custom_object_information", system("hs_lastmodifieddate"));
export const CUSTOM_GROUP = "custom_object_information";
const CUSTOM_GROUPS: GroupSpec[] = [{ name: CUSTOM_GROUP, label: "Custom object information", displayOrder: 0 }];
const isCustom = (typeId: string) => typeId.startsWith("2-");

export const defaultPropertiesOf = (typeId: string): PropertySpec[] =>
  DEFAULT_PROPERTIES[typeId] ?? (isCustom(typeId) ? CUSTOM_PROPERTIES : []);
export const defaultGroupsOf = (typeId: string): GroupSpec[] => DEFAULT_GROUPS[typeId] ?? (isCustom(typeId) ? CUSTOM_GROUPS : []);
