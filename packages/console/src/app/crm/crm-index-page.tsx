// A CRM object's index: server-side search, sort, paging and a column choice kept per object type.
import { useMemo, useState } from "react";
import { Anchor, Button, Checkbox, Code, Popover, ScrollArea, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue, useDocumentTitle, useLocalStorage } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { formatNumber, useFormats } from "../formats";
import { EmptyState, ErrorNotice, Loading, PageTitle } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import type { PropertyDefinition } from "./crm-api";
import { CreateRecordModal } from "./create-record";
import { displayValue } from "./display-value";
import { UnknownObjectType } from "./crm-not-found";
import { columnsStorageKey, INDEX_PAGE_SIZE, indexSearchQuery, propertiesQuery, type IndexSort } from "./index-queries";
import type { CrmObjectType } from "./object-types";
import {
  FooterNote,
  FooterRow,
  HeaderCell,
  IndexTable,
  MainButton,
  PageNumber,
  PageSizeSelect,
  Pagination,
  RecordCount,
  SearchInput,
  SmallButton,
  SortHeaderCell,
  TableBody,
  TableHead,
  ToolbarEnd,
  ToolbarRow,
} from "./index-parts";
import { useObjectType } from "./use-object-types";

/** The classes Mantine gives a `striped highlightOnHover` table's rows and cells (IndexTable), and an Anchor. */
const ROW = `${Table.classes.tr} mantine-Table-tr`;
const CELL = `${Table.classes.td} mantine-Table-td`;
const LINK = `mantine-focus-auto ${Anchor.classes.root} ${Text.classes.root} mantine-Text-root mantine-Anchor-root`;

const PAGE_SIZES = ["25", "50", "100"].map((n) => ({ value: n, label: `${n} per page` }));

/** HubSpot's search stops at 10,000 results; deeper pages need a narrower search. */
const SEARCH_WINDOW = 10_000;

export default function CrmIndexPage({ params }: { params: { objectTypeId: string } }) {
  const { type, pending, error } = useObjectType(params.objectTypeId);
  useDocumentTitle(`${type?.plural ?? "Records"} · Sprocket`);
  if (pending) return <Loading />;
  if (error) return <ErrorNotice error={error} />;
  if (!type) return <UnknownObjectType objectTypeId={params.objectTypeId} />;
  // A fresh state per object type.
  return <CrmIndex key={type.objectTypeId} type={type} />;
}

function CrmIndex({ type }: { type: CrmObjectType }) {
  const { accountId } = useSession();
  const formats = useFormats();
  // Read at the first render (not in an effect), so the first search is the one the entry already started.
  const [columns, setColumns] = useLocalStorage<string[]>({
    key: columnsStorageKey(type),
    defaultValue: type.defaultColumns,
    getInitialValueInEffect: false,
  });
  const [search, setSearch] = useState("");
  const [query] = useDebouncedValue(search.trim(), 250);
  const [sort, setSort] = useState<IndexSort>();
  const [pageSize, setPageSize] = useState(INDEX_PAGE_SIZE);
  // Cursors of the pages seen so far: cursors[n] is the `after` that gives page n.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState(0);
  const [creating, setCreating] = useState(false);
  // Mantine's Modal (its portal, transition and focus trap; about 2 ms of a server render, issue #24 item 3) is mounted
  // at the first "Create", opened, rather than rendered and hydrated closed with the first screen.
  const [createWanted, setCreateWanted] = useState(false);
  const restart = () => {
    setCursors([undefined]);
    setPage(0);
  };

  const properties = useQuery(propertiesQuery(accountId, type));
  const byName = useMemo(() => new Map((properties.data ?? []).map((p) => [p.name, p])), [properties.data]);
  const results = useQuery({
    ...indexSearchQuery(accountId, type, { query, sort, columns, pageSize, after: cursors[page] }),
    placeholderData: keepPreviousData,
  });
  const next = results.data?.paging?.next?.after;
  const total = results.data?.total ?? 0;
  const lastPage = Math.max(0, Math.ceil(Math.min(total, SEARCH_WINDOW) / pageSize) - 1);

  function toggleSort(name: string) {
    setSort((current) =>
      current?.propertyName !== name
        ? { propertyName: name, direction: "ASCENDING" }
        : current.direction === "ASCENDING"
          ? { propertyName: name, direction: "DESCENDING" }
          : undefined,
    );
    restart();
  }

  return (
    <>
      <PageTitle
        actions={
          <MainButton
            onClick={() => {
              setCreateWanted(true);
              setCreating(true);
            }}
            disabled={!properties.data}
          >
            Create {type.singular.toLowerCase()}
          </MainButton>
        }
      >
        {type.plural}
      </PageTitle>
      {properties.data && createWanted ? (
        <CreateRecordModal
          type={type}
          properties={properties.data}
          opened={creating}
          onClose={() => setCreating(false)}
          onCreated={() => setCreating(false)}
        />
      ) : null}
      {/* The toolbar, the column headers and the paging are plain elements with Mantine's classes (index-parts.tsx). */}
      <ToolbarRow>
        <SearchInput
          label={`Search ${type.plural.toLowerCase()}`}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            restart();
          }}
        />
        <ToolbarEnd>
          <RecordCount>
            {results.data ? `${formatNumber(total, formats)} ${total === 1 ? type.singular.toLowerCase() : type.plural.toLowerCase()}` : ""}
          </RecordCount>
          <ColumnChooser properties={properties.data ?? []} columns={columns} onChange={setColumns} />
        </ToolbarEnd>
      </ToolbarRow>
      {results.isError ? <ErrorNotice error={results.error} /> : null}
      {results.isPending ? <Loading /> : null}
      {results.data ? (
        <ScrollArea type="auto">
          <IndexTable label={type.plural} busy={results.isFetching} opacity={results.isPlaceholderData ? 0.6 : 1}>
            <TableHead>
              <tr className={ROW} data-with-row-border="true" data-striped="odd" data-hover="true">
                <HeaderCell>Name</HeaderCell>
                {columns.map((name) => {
                  const direction = sort?.propertyName === name ? sort.direction : undefined;
                  return (
                    <SortHeaderCell
                      key={name}
                      sort={direction === "ASCENDING" ? "ascending" : direction === "DESCENDING" ? "descending" : "none"}
                      onClick={() => toggleSort(name)}
                    >
                      {byName.get(name)?.label ?? name}
                      <span aria-hidden="true">{direction === "ASCENDING" ? " ▲" : direction === "DESCENDING" ? " ▼" : ""}</span>
                    </SortHeaderCell>
                  );
                })}
              </tr>
            </TableHead>
            <TableBody>
              {/* The rows are plain elements with the classes and attributes Mantine's Table.Tr, Table.Td and Anchor
                  give them (ROW, CELL, LINK): the same look and markup, without a style-props pass per cell (most of
                  a rendered page's server CPU, docs/decisions.md). */}
              {results.data.results.map((record) => (
                <tr key={record.id} className={ROW} data-with-row-border="true" data-striped="odd" data-hover="true">
                  <td className={CELL}>
                    <Link className={LINK} data-underline="hover" href={paths.crmRecord(accountId, type.objectTypeId, record.id)}>
                      {type.displayName(record.properties) || `${type.singular} ${record.id}`}
                    </Link>
                  </td>
                  {columns.map((name) => (
                    <td key={name} className={CELL}>
                      {displayValue(byName.get(name), record.properties[name], formats)}
                    </td>
                  ))}
                </tr>
              ))}
            </TableBody>
          </IndexTable>
          {results.data.results.length === 0 ? (
            query ? (
              <EmptyState title={`No ${type.plural.toLowerCase()} match “${query}”`} />
            ) : (
              <EmptyState title={`No ${type.plural.toLowerCase()} yet`}>
                Add one with “Create {type.singular.toLowerCase()}”, write them with a private app through the CRM API, or fill this account
                with sample contacts, companies, deals and tickets: <Code>sprocket admin seed --account {accountId}</Code> on the server.
              </EmptyState>
            )
          ) : null}
        </ScrollArea>
      ) : null}
      <FooterRow>
        {/* The browser's own select: Mantine's Select mounts a positioned dropdown (floating-ui) on the first screen. */}
        <PageSizeSelect
          label="Records per page"
          options={PAGE_SIZES}
          value={String(pageSize)}
          onChange={(event) => {
            setPageSize(Number(event.currentTarget.value));
            restart();
          }}
        />
        <Pagination>
          <SmallButton disabled={page === 0} onClick={() => setPage(page - 1)}>
            Previous
          </SmallButton>
          <PageNumber>
            Page {page + 1}
            {results.data ? ` of ${formatNumber(lastPage + 1, formats)}` : ""}
          </PageNumber>
          <SmallButton
            disabled={!next || page >= lastPage}
            onClick={() => {
              setCursors((known) => [...known.slice(0, page + 1), next]);
              setPage(page + 1);
            }}
          >
            Next
          </SmallButton>
        </Pagination>
      </FooterRow>
      {total > SEARCH_WINDOW ? (
        <FooterNote>Search shows the first {formatNumber(SEARCH_WINDOW, formats)} results; search or sort to reach the others.</FooterNote>
      ) : null}
    </>
  );
}

function ColumnChooser({
  properties,
  columns,
  onChange,
}: {
  properties: PropertyDefinition[];
  columns: string[];
  onChange: (columns: string[]) => void;
}) {
  const [filter, setFilter] = useState("");
  // Mantine's Popover (its floating position, transition and focus trap) is mounted at the first click, opened, rather
  // than rendered and hydrated with the first screen (issue #24 item 3): until then the button alone.
  const [wanted, setWanted] = useState(false);
  const visible = properties.filter(
    (p) => !p.hidden && (p.label.toLowerCase().includes(filter.toLowerCase()) || p.name.includes(filter.toLowerCase())),
  );
  if (!wanted)
    return (
      <SmallButton aria-haspopup="dialog" aria-expanded={false} onClick={() => setWanted(true)}>
        Edit columns
      </SmallButton>
    );
  return (
    <Popover position="bottom-end" width={300} shadow="md" trapFocus defaultOpened>
      <Popover.Target>
        <Button size="xs" variant="default">
          Edit columns
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          <TextInput
            size="xs"
            aria-label="Filter properties"
            placeholder="Filter properties"
            value={filter}
            onChange={(e) => setFilter(e.currentTarget.value)}
          />
          <ScrollArea.Autosize mah={320}>
            <Stack gap={6} role="group" aria-label="Columns">
              {visible.map((p) => (
                <Checkbox
                  key={p.name}
                  size="xs"
                  label={p.label}
                  checked={columns.includes(p.name)}
                  onChange={(e) => onChange(e.currentTarget.checked ? [...columns, p.name] : columns.filter((c) => c !== p.name))}
                />
              ))}
            </Stack>
          </ScrollArea.Autosize>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
