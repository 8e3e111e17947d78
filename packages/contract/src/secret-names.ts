// HubSpot's rule for secret names (they become environment variables of functions), without zod: the console checks
// a name as it is typed with the same pattern and words the server refuses it with.

export const SECRET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const SECRET_NAME_RULE = "use letters, digits and underscores, starting with a letter or underscore (at most 64)";
