// The records associated with this one, per object type, named by their display properties.
import { Anchor, Paper, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { ErrorNotice } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import { crmApi } from "./crm-api";
import { canAssociate, type CrmObjectType } from "./object-types";
import { useCrmObjectTypes } from "./use-object-types";

const SHOWN = 10;

function AssociatedType({ from, id, to }: { from: CrmObjectType; id: string; to: CrmObjectType }) {
  const { accountId } = useSession();
  const list = useQuery({
    queryKey: ["crm-associations", accountId, from.name, id, to.name],
    queryFn: async () => {
      const { results, paging } = await crmApi.associations(from.name, id, to.name);
      const ids = results.slice(0, SHOWN).map((r) => String(r.toObjectId));
      const records = ids.length ? await crmApi.batchRead(to.name, ids, to.defaultColumns) : [];
      const names = new Map(records.map((r) => [r.id, to.displayName(r.properties)]));
      return {
        more: results.length > SHOWN || !!paging?.next,
        count: results.length,
        items: ids.map((toId) => ({ id: toId, name: names.get(toId) || `${to.singular} ${toId}` })),
      };
    },
  });
  const headingId = `assoc-${to.name}`;
  return (
    <section aria-labelledby={headingId}>
      <Title order={3} size="h6" id={headingId}>
        {to.plural} {list.data ? `(${list.data.count}${list.data.more ? "+" : ""})` : ""}
      </Title>
      {list.isError ? <ErrorNotice error={list.error} /> : null}
      {list.data?.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          None
        </Text>
      ) : null}
      <Stack gap={2} component="ul" p={0} m={0} style={{ listStyle: "none" }}>
        {list.data?.items.map((item) => (
          <li key={item.id}>
            <Anchor component={Link} href={paths.crmRecord(accountId, to.objectTypeId, item.id)} size="sm">
              {item.name}
            </Anchor>
          </li>
        ))}
      </Stack>
    </section>
  );
}

export function AssociationsPanel({ type, id }: { type: CrmObjectType; id: string }) {
  const { types } = useCrmObjectTypes();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="associations-title">
      <Title order={2} size="h4" id="associations-title" mb="sm">
        Associations
      </Title>
      <Stack gap="md">
        {types
          .filter((other) => canAssociate(type, other))
          .map((other) => (
            <AssociatedType key={other.name} from={type} id={id} to={other} />
          ))}
      </Stack>
    </Paper>
  );
}
