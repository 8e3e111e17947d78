import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { DeployedApp } from "../apps/provision";

/** Declared but not yet defined secrets of each app: a deploy warning, since the function may still run without them. */
export async function missingSecrets(
  db: Kysely<Database>,
  accountId: number,
  apps: readonly DeployedApp[],
): Promise<Map<string, string[]>> {
  const defined = new Set((await db.selectFrom("secrets").select("name").where("account_id", "=", accountId).execute()).map((r) => r.name));
  const warnings = new Map<string, string[]>();
  for (const app of apps) {
    const lines = app.functions.flatMap((fn) =>
      fn.secrets
        .filter((s) => !defined.has(s))
        .map(
          (s) =>
            `Function ${fn.name} of app ${app.uid} lists the secret ${s}, which this account does not define yet. Add it with \`sprocket secrets add ${s}\`.`,
        ),
    );
    if (lines.length) warnings.set(app.uid, lines);
  }
  return warnings;
}
