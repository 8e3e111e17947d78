// What a CRM URL names but the account does not have: an object type the console does not know, or a record.
import { NotFound } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import type { CrmObjectType } from "./object-types";
import { useCrmObjectTypes } from "./use-object-types";

export function UnknownObjectType({ objectTypeId }: { objectTypeId: string }) {
  const { accountId } = useSession();
  const { types } = useCrmObjectTypes();
  return (
    <NotFound title="Object type not found" back={{ href: paths.crmIndex(accountId, "0-1"), label: "Back to contacts" }}>
      The console has no object type “{objectTypeId}”. It shows{" "}
      {types.map((t) => `${t.plural.toLowerCase()} (${t.objectTypeId})`).join(", ")}.
    </NotFound>
  );
}

export function RecordNotFound({ type, id }: { type: CrmObjectType; id: string }) {
  const { accountId } = useSession();
  return (
    <NotFound
      title={`${type.singular} not found`}
      back={{ href: paths.crmIndex(accountId, type.objectTypeId), label: `All ${type.plural.toLowerCase()}` }}
    >
      There is no {type.singular.toLowerCase()} with id “{id}” in this account. It may have been deleted.
    </NotFound>
  );
}
