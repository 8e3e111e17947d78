// A CRM record: its properties (view and edit), associations, and the app cards for its object type.
import { lazy, Suspense, useEffect, useState } from "react";
import { Anchor, Breadcrumbs, Grid, Paper, Stack, Tabs, Text } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { ErrorNotice, isNotFound, Loading, PageTitle } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import { AssociationsPanel } from "./associations-panel";
import { crmApi } from "./crm-api";
import { RecordNotFound, UnknownObjectType } from "./crm-not-found";
import { DeleteRecordButton } from "./delete-record";
import { propertiesQuery } from "./index-queries";
import { useLiveCardBuilds } from "./live-card-builds";
import type { RecordPageActions } from "./record-cards";
import { recordCardsQuery } from "./record-cards-query";
import type { CrmObjectType } from "./object-types";
import { useObjectType } from "./use-object-types";
import { PropertyPanel } from "./property-panel";
import { TimelinePanel } from "./timeline-panel";

// The extension host (its worker protocol and component set) loads only where cards are shown.
const loadRecordCards = () => import("./record-cards");
const RecordCards = lazy(loadRecordCards);

export default function CrmRecordPage({ params }: { params: { objectTypeId: string; objectId: string } }) {
  const { type, pending, error } = useObjectType(params.objectTypeId);
  if (pending) return <Loading />;
  if (error) return <ErrorNotice error={error} />;
  if (!type) return <UnknownObjectType objectTypeId={params.objectTypeId} />;
  if (!/^\d+$/.test(params.objectId)) return <RecordNotFound type={type} id={params.objectId} />;
  return <CrmRecord key={`${type.objectTypeId}/${params.objectId}`} type={type} id={params.objectId} />;
}

function CrmRecord({ type, id }: { type: CrmObjectType; id: string }) {
  const { accountId } = useSession();
  const properties = useQuery(propertiesQuery(accountId, type));
  const names = (properties.data ?? []).map((p) => p.name);
  const record = useQuery({
    queryKey: ["crm-record", accountId, type.name, id],
    queryFn: () => crmApi.get(type.name, id, names),
    enabled: properties.isSuccess,
  });
  const title = record.data ? type.displayName(record.data.properties) || `${type.singular} ${id}` : `${type.singular} ${id}`;
  useDocumentTitle(`${title} · Sprocket`);
  const recordRef = { objectTypeId: type.objectTypeId, objectId: Number(id) };
  const [reloads, setReloads] = useState(0);
  const cardPage: RecordPageActions = {
    refreshRecord: () => void record.refetch(),
    reloadPage() {
      setReloads((n) => n + 1);
      void record.refetch();
    },
  };
  useLiveCardBuilds(accountId);
  // Cards need neither the record nor its properties: their list and the host's chunk load alongside them.
  useQuery(recordCardsQuery(accountId, type.objectTypeId));
  useEffect(() => void loadRecordCards(), []);
  if (isNotFound(record.error)) return <RecordNotFound type={type} id={id} />;
  return (
    <>
      <Breadcrumbs mb="xs" aria-label="Breadcrumb">
        <Anchor component={Link} href={paths.crmIndex(accountId, type.objectTypeId)} size="sm">
          {type.plural}
        </Anchor>
        <Text size="sm">{title}</Text>
      </Breadcrumbs>
      <PageTitle actions={record.data ? <DeleteRecordButton type={type} id={id} title={title} /> : null}>{title}</PageTitle>
      {properties.isError ? <ErrorNotice error={properties.error} /> : null}
      {record.isError ? <ErrorNotice error={record.error} /> : null}
      {record.isPending && !properties.isError ? <Loading /> : null}
      {record.data && properties.data ? (
        <Grid gutter="md">
          <Grid.Col span={{ base: 12, sm: 5, lg: 4 }}>
            <PropertyPanel type={type} record={record.data} properties={properties.data} onSaved={() => void record.refetch()} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 7, lg: 5 }}>
            <Tabs defaultValue="overview" keepMounted>
              <Tabs.List mb="md">
                <Tabs.Tab value="overview">Overview</Tabs.Tab>
                <Tabs.Tab value="apps">Apps</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="overview">
                <Stack gap="md">
                  <TimelinePanel type={type} id={id} />
                  <AssociationsPanel type={type} id={id} />
                </Stack>
              </Tabs.Panel>
              <Tabs.Panel value="apps">
                <Suspense fallback={<Loading label="Loading cards" />}>
                  <RecordCards
                    record={recordRef}
                    location="crm.record.tab"
                    version={record.dataUpdatedAt}
                    reloads={reloads}
                    page={cardPage}
                  />
                </Suspense>
              </Tabs.Panel>
            </Tabs>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 3 }}>
            <Paper withBorder p="md" component="aside" aria-label="App cards in the sidebar">
              <Stack>
                <Suspense fallback={<Loading label="Loading cards" />}>
                  <RecordCards
                    record={recordRef}
                    location="crm.record.sidebar"
                    version={record.dataUpdatedAt}
                    reloads={reloads}
                    page={cardPage}
                  />
                </Suspense>
              </Stack>
            </Paper>
          </Grid.Col>
        </Grid>
      ) : null}
    </>
  );
}
