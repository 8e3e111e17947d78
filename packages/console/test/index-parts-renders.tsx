// A CRM index's toolbar, table, column headers and paging as Mantine's components write them (as crm-index-page.tsx had them)
// and as index-parts.tsx does, rendered on the server as the console's first screen is (index-parts.test.ts compares).
import { Button, Group, NativeSelect, Table, Text, TextInput, UnstyledButton } from "@mantine/core";
import { renderWithMantine as render } from "./mantine-render";
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
} from "../src/app/crm/index-parts";

const noop = () => {};
const SIZES = ["25", "50", "100"].map((n) => ({ value: n, label: `${n} per page` }));

/** The toolbar above the table, with a search typed or not. */
export const toolbar = (search: string) => ({
  mantine: render(
    <Group justify="space-between" mb="sm" wrap="nowrap">
      <TextInput aria-label="Search contacts" placeholder="Search contacts" type="search" w={320} value={search} onChange={noop} />
      <Group gap="sm" wrap="nowrap">
        <Text size="sm" c="dimmed" aria-live="polite" data-testid="record-total">
          {"1,000 contacts"}
        </Text>
        <Button size="xs" variant="default" aria-haspopup="dialog" aria-expanded={false} onClick={noop}>
          Edit columns
        </Button>
      </Group>
    </Group>,
  ),
  plain: render(
    <ToolbarRow>
      <SearchInput label="Search contacts" value={search} onChange={noop} />
      <ToolbarEnd>
        <RecordCount>{"1,000 contacts"}</RecordCount>
        <SmallButton aria-haspopup="dialog" aria-expanded={false} onClick={noop}>
          Edit columns
        </SmallButton>
      </ToolbarEnd>
    </ToolbarRow>,
  ),
});

/** The page's main action, enabled or not. */
export const mainButton = (disabled: boolean) => ({
  mantine: render(
    <Button onClick={noop} disabled={disabled}>
      Create {"contact"}
    </Button>,
  ),
  plain: render(
    <MainButton onClick={noop} disabled={disabled}>
      Create {"contact"}
    </MainButton>,
  ),
});

/** The table around its header row (the name's cell and a sortable column's, sorted `sort`) and a row, `busy` or not. */
export const table = (sort: "ascending" | "descending" | "none", busy: boolean) => {
  const row = (
    <tr className={`${Table.classes.tr} mantine-Table-tr`} data-with-row-border="true" data-striped="odd" data-hover="true">
      <td className={`${Table.classes.td} mantine-Table-td`}>Ada</td>
      <td className={`${Table.classes.td} mantine-Table-td`}>ada@example.com</td>
    </tr>
  );
  return {
    mantine: render(
      <Table striped highlightOnHover aria-label="Contacts" aria-busy={busy} style={{ opacity: busy ? 0.6 : 1 }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col" aria-sort={sort}>
              <UnstyledButton onClick={noop} fw={700} fz="sm">
                {"Email"}
                <span aria-hidden="true">{sort === "ascending" ? " ▲" : ""}</span>
              </UnstyledButton>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{row}</Table.Tbody>
      </Table>,
    ),
    plain: render(
      <IndexTable label="Contacts" busy={busy} opacity={busy ? 0.6 : 1}>
        <TableHead>
          <tr className={`${Table.classes.tr} mantine-Table-tr`} data-with-row-border="true" data-striped="odd" data-hover="true">
            <HeaderCell>Name</HeaderCell>
            <SortHeaderCell sort={sort} onClick={noop}>
              {"Email"}
              <span aria-hidden="true">{sort === "ascending" ? " ▲" : ""}</span>
            </SortHeaderCell>
          </tr>
        </TableHead>
        <TableBody>{row}</TableBody>
      </IndexTable>,
    ),
  };
};

/** The paging below the table, on its first page (`previous` disabled) or a later one, `next` enabled or not. */
export const footer = (page: number, hasNext: boolean) => ({
  mantine: render(
    <>
      <Group justify="space-between" mt="sm">
        <NativeSelect aria-label="Records per page" size="xs" w={140} data={SIZES} value="50" onChange={noop} />
        <Group gap="xs" component="nav" aria-label="Pagination">
          <Button size="xs" variant="default" disabled={page === 0} onClick={noop}>
            Previous
          </Button>
          <Text size="sm" aria-live="polite">
            Page {page + 1}
            {" of 4"}
          </Text>
          <Button size="xs" variant="default" disabled={!hasNext} onClick={noop}>
            Next
          </Button>
        </Group>
      </Group>
      <Text size="xs" c="dimmed" mt="xs">
        Search shows the first {"10,000"} results.
      </Text>
    </>,
  ),
  plain: render(
    <>
      <FooterRow>
        <PageSizeSelect label="Records per page" options={SIZES} value="50" onChange={noop} />
        <Pagination>
          <SmallButton disabled={page === 0} onClick={noop}>
            Previous
          </SmallButton>
          <PageNumber>
            Page {page + 1}
            {" of 4"}
          </PageNumber>
          <SmallButton disabled={!hasNext} onClick={noop}>
            Next
          </SmallButton>
        </Pagination>
      </FooterRow>
      <FooterNote>Search shows the first {"10,000"} results.</FooterNote>
    </>,
  ),
});
