// The console's session (`/api/v1/session`) and what it shows of the account: members, personal access keys.
import { z } from "zod";

export const ROLES = ["super_admin", "admin", "user"] as const;
export type Role = (typeof ROLES)[number];
const role = z.enum(ROLES);

export const signInRequest = z.object({ email: z.string().min(1), password: z.string().min(1) });
export const signInResult = z.object({ userId: z.number(), accountId: z.number(), csrfToken: z.string() });

export const sessionInfo = z.object({
  signedIn: z.literal(true),
  userId: z.number(),
  email: z.string(),
  accountId: z.number(),
  role,
  /** Sent back as `x-csrf-token` on every call that changes something. */
  csrfToken: z.string(),
  accounts: z.array(z.object({ id: z.number(), name: z.string(), tier: z.string(), role })),
});
/** Answered with 200 before anyone signs in too: not being signed in is no error there. */
export const sessionState = z.discriminatedUnion("signedIn", [sessionInfo, z.object({ signedIn: z.literal(false) })]);

/** `/api/v1/accounts`: the accounts a developer token reaches. */
export const accountList = z.object({ results: z.array(z.object({ accountId: z.number(), name: z.string(), tier: z.string() })) });

export const member = z.object({ userId: z.number(), email: z.string(), firstName: z.string(), lastName: z.string(), role });
export const memberList = z.object({ results: z.array(member) });

/** A row of the signed-in user's personal access keys, revoked ones included (times in epoch milliseconds). */
export const personalAccessKey = z.object({
  id: z.number(),
  name: z.string(),
  key_prefix: z.string(),
  created_at: z.number(),
  last_used_at: z.number().nullable(),
  revoked_at: z.number().nullable(),
});
export const personalAccessKeyList = z.object({ results: z.array(personalAccessKey) });
/** The new key, shown this once. */
export const createdPersonalAccessKey = z.object({ id: z.number(), name: z.string(), personalAccessKey: z.string() });

/** `POST /api/v1/account-invites` (super admins): whom to invite, with which role. */
export const inviteRequest = z.object({ email: z.email().max(254), role });
/** The one-time link, shown to the admin this once (and written to the server log: there is no mail server). */
export const createdInvite = z.object({ id: z.number(), email: z.string(), role, expiresAt: z.number(), url: z.string() });
/** Invitations not yet used, newest first; `expiresAt` in epoch milliseconds. */
export const pendingInviteList = z.object({
  results: z.array(z.object({ id: z.number(), email: z.string(), role, createdAt: z.number(), expiresAt: z.number() })),
});
/** `GET /api/v1/invites/:token`: what the link opens, for its page. `existingUser`: sign in with the current password instead of setting one. */
export const inviteInfo = z.object({ email: z.string(), accountId: z.number(), accountName: z.string(), role, existingUser: z.boolean() });
export const inviteAcceptance = z.object({
  password: z.string().min(1).max(200),
  firstName: z.string().max(100).optional(),
  lastName: z.string().max(100).optional(),
});

export type SignInResult = z.infer<typeof signInResult>;
export type SessionInfo = z.infer<typeof sessionInfo>;
export type SessionState = z.infer<typeof sessionState>;
export type AccountList = z.infer<typeof accountList>;
export type Member = z.infer<typeof member>;
export type PersonalAccessKey = z.infer<typeof personalAccessKey>;
export type CreatedPersonalAccessKey = z.infer<typeof createdPersonalAccessKey>;
export type InviteRequest = z.infer<typeof inviteRequest>;
export type CreatedInvite = z.infer<typeof createdInvite>;
export type PendingInviteList = z.infer<typeof pendingInviteList>;
export type InviteInfo = z.infer<typeof inviteInfo>;
export type InviteAcceptance = z.infer<typeof inviteAcceptance>;
