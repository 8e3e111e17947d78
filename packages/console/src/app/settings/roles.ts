import type { Role } from "@sprocket/contract";

export const roleLabels: Record<Role, string> = { super_admin: "Super admin", admin: "Admin", user: "User" };
export const roleOptions = Object.entries(roleLabels).map(([value, label]) => ({ value, label }));
