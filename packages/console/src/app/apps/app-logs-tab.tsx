// The Logs tab: API calls, Serverless functions, Extensions, Security and Webhooks, each filtered, paged newest first, optionally
// following new events live; a row opens its details in a side panel.
import { useCallback, useEffect, useMemo, useState } from "react";
import { Group, Select, Stack, Switch, Tabs, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "wouter";
import { api } from "../api-client";
import { EmptyState, ErrorNotice, Loading } from "../page-parts";
import { useSession } from "../session";
import {
  FILTERS_BY_KIND,
  LOG_KINDS,
  type AppInstallList,
  type LogEvent,
  type LogKind,
  type LogPage,
  type PrivateAppDetail,
} from "@sprocket/contract";
import { WebhooksLog } from "./app-webhooks-log";
import { accountLabel, LogDetailDrawer } from "./log-detail-drawer";
import {
  filterQuery,
  levels,
  matchesFilters,
  methods,
  noFilters,
  searchHints,
  sinceOptions,
  statusOptions,
  type LogFilters,
} from "./log-filters";
import { useLogStream } from "./log-stream";
import { LogListStatus } from "./log-list-status";
import { LogTable } from "./log-table";
import { logKindLabels } from "./log-types";

const PAGE_SIZE = 100;
/** Select options cannot be empty strings; this stands for "no filter". */
const ANY = "any";

function FilterSelect(props: {
  label: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  onChange: (value: string) => void;
  w?: number;
}) {
  return (
    <Select
      label={props.label}
      size="xs"
      w={props.w ?? 150}
      allowDeselect={false}
      value={props.value || ANY}
      data={props.options.map((o) => ({ value: o.value || ANY, label: o.label }))}
      onChange={(v) => props.onChange(!v || v === ANY ? "" : v)}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

function LogList({ app, kind }: { app: PrivateAppDetail; kind: LogKind }) {
  const { accountId } = useSession();
  const [filters, setFilters] = useState<LogFilters>(noFilters);
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  const [liveOn, setLiveOn] = useState(false);
  const [liveEvents, setLiveEvents] = useState<LogEvent[]>([]);
  const [open, setOpen] = useState<LogEvent | null>(null);
  const applied = useMemo(() => ({ ...filters, q }), [filters, q]);
  const query = filterQuery(kind, applied).toString();
  const set = (name: keyof LogFilters) => (value: string) => setFilters((f) => ({ ...f, [name]: value }));

  const list = useInfiniteQuery({
    queryKey: ["private-app", accountId, String(app.appId), "logs", kind, query],
    queryFn: ({ pageParam, signal }) => {
      const params = new URLSearchParams(query);
      params.set("limit", String(PAGE_SIZE));
      if (pageParam) params.set("before", pageParam);
      return api<LogPage>("GET", `/api/v1/private-apps/${app.appId}/logs/${kind}?${params}`, undefined, { signal });
    },
    initialPageParam: "",
    getNextPageParam: (last) => last.paging?.next.before,
  });

  // Live events are kept apart from the pages (whose cursor they must not disturb) and dropped when the filters change.
  useEffect(() => setLiveEvents([]), [query]);
  const stream = useLogStream(kind, app.appId, liveOn, (e) => {
    if (matchesFilters(kind, applied, e, Date.now())) setLiveEvents((list) => [e, ...list]);
  });
  // Whatever happened between the last load and the subscription: load again once subscribed.
  const { refetch } = list;
  useEffect(() => {
    if (stream === "following") void refetch();
  }, [stream, refetch]);

  const rows = useMemo(() => {
    const seen = new Set<number>();
    const out: LogEvent[] = [];
    for (const e of [...liveEvents, ...(list.data?.pages.flatMap((p) => p.results) ?? [])]) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      out.push(e);
    }
    return out.sort((a, b) => b.timestamp - a.timestamp || b.id - a.id);
  }, [liveEvents, list.data]);

  const { fetchNextPage } = list;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const applies = FILTERS_BY_KIND[kind];
  const functions = app.components.filter((c) => c.kind === "function").map((c) => ({ value: c.name, label: c.name }));
  const cards = app.components.filter((c) => c.kind === "card").map((c) => ({ value: c.name, label: String(c.config.title ?? c.name) }));
  const filtered = query !== "";
  // An OAuth app's rows come from every account it is (or was) installed in; its security events are the owner's alone.
  const perAccount = app.auth.type === "oauth" && kind !== "security";
  const installs = useQuery({
    queryKey: ["app-installs-of", app.appId],
    queryFn: () => api<AppInstallList>("GET", `/api/v1/private-apps/${app.appId}/installs`),
    enabled: perAccount,
  });
  const accountOptions = useMemo(() => {
    // Live installs, and the accounts of the rows loaded (an uninstalled account's rows stay readable).
    const known = new Map<string, string>();
    for (const i of installs.data?.results ?? []) known.set(String(i.accountId), `${i.accountName} (${i.accountId})`);
    for (const e of rows) known.set(String(e.accountId), accountLabel(e));
    if (filters.account && !known.has(filters.account)) known.set(filters.account, filters.account);
    return [{ value: "", label: "Any account" }, ...[...known].map(([value, label]) => ({ value, label }))];
  }, [installs.data, rows, filters.account]);

  return (
    <Stack gap="sm">
      <Group gap="sm" align="flex-end" role="search" aria-label={`Filter ${logKindLabels[kind]} logs`}>
        <FilterSelect label="Time" value={filters.since} options={sinceOptions} onChange={set("since")} />
        {perAccount ? (
          <FilterSelect label="Account" w={200} value={filters.account} options={accountOptions} onChange={set("account")} />
        ) : null}
        {applies.includes("status") ? (
          <FilterSelect
            label={kind === "api-calls" ? "Status" : kind === "functions" ? "Outcome" : "Event"}
            value={filters.status}
            options={statusOptions[kind]}
            onChange={set("status")}
          />
        ) : null}
        {applies.includes("method") ? (
          <FilterSelect
            label="Method"
            w={110}
            value={filters.method}
            options={[{ value: "", label: "Any method" }, ...methods.map((m) => ({ value: m, label: m }))]}
            onChange={set("method")}
          />
        ) : null}
        {applies.includes("function") ? (
          <FilterSelect
            label="Function"
            value={filters.function}
            options={[{ value: "", label: "Any function" }, ...functions]}
            onChange={set("function")}
          />
        ) : null}
        {applies.includes("level") ? (
          <FilterSelect
            label="Level"
            w={110}
            value={filters.level}
            options={[{ value: "", label: "Any level" }, ...levels.map((l) => ({ value: l, label: l }))]}
            onChange={set("level")}
          />
        ) : null}
        {applies.includes("card") ? (
          <FilterSelect label="Card" value={filters.card} options={[{ value: "", label: "Any card" }, ...cards]} onChange={set("card")} />
        ) : null}
        <TextInput
          label="Search"
          size="xs"
          placeholder={searchHints[kind]}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          style={{ flex: 1, minWidth: 160 }}
          type="search"
        />
        <Switch label="Live" checked={liveOn} onChange={(e) => setLiveOn(e.currentTarget.checked)} mb={6} />
      </Group>
      <LogListStatus
        loaded={list.data !== undefined}
        count={rows.length}
        noun={["event", "events"]}
        hasNextPage={list.hasNextPage}
        liveOn={liveOn}
        stream={stream}
      />
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorNotice error={list.error} />
      ) : rows.length === 0 ? (
        filtered ? (
          <EmptyState title="No matching events">Try a longer time range or fewer filters.</EmptyState>
        ) : (
          <EmptyState title="No events yet">Events appear here once the app is used.</EmptyState>
        )
      ) : (
        <LogTable
          kind={kind}
          rows={rows}
          showAccount={perAccount}
          onOpen={setOpen}
          hasMore={list.hasNextPage}
          loadingMore={list.isFetchingNextPage}
          loadMore={loadMore}
        />
      )}
      <LogDetailDrawer event={open} app={app} onClose={() => setOpen(null)} />
    </Stack>
  );
}

// Webhook deliveries are not log events of the shared log tables (each is a try of a queued job), so their tab sits
// after the kinds with a list of its own.
const WEBHOOKS = "webhooks";

export function AppLogsTab({ app }: { app: PrivateAppDetail }) {
  const [params, setParams] = useSearchParams();
  const type = params.get("type");
  const kind = type === WEBHOOKS ? WEBHOOKS : (LOG_KINDS.find((k) => k === type) ?? "api-calls");
  return (
    <Tabs value={kind} onChange={(value) => value && setParams({ type: value }, { replace: true })} variant="pills" keepMounted={false}>
      <Tabs.List mb="md" aria-label="Log types">
        {LOG_KINDS.map((k) => (
          <Tabs.Tab key={k} value={k}>
            {logKindLabels[k]}
          </Tabs.Tab>
        ))}
        <Tabs.Tab value={WEBHOOKS}>Webhooks</Tabs.Tab>
      </Tabs.List>
      {LOG_KINDS.map((k) => (
        <Tabs.Panel key={k} value={k}>
          <LogList app={app} kind={k} />
        </Tabs.Panel>
      ))}
      <Tabs.Panel value={WEBHOOKS}>
        <WebhooksLog app={app} />
      </Tabs.Panel>
    </Tabs>
  );
}
