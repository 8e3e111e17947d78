// A CRM index's toolbar, column headers and paging as plain elements with the classes, attributes and styles Mantine's
// Group, TextInput, NativeSelect, Text, Button, Table, Table.Thead, Table.Tbody, Table.Th and UnstyledButton give them (issue #24 item 3), as the rows
// are: the same markup (index-parts.test.ts compares it with Mantine's render), without Mantine's props, style-props
// and class-names pass per element (the two inputs alone were a fifth of the page's server render).
import type { ChangeEvent, CSSProperties, ReactNode } from "react";
import { Combobox, Input, Table } from "@mantine/core";
import { useId } from "@mantine/hooks";
import {
  BUTTON,
  BUTTON_INNER,
  BUTTON_LABEL,
  DEFAULT_XS_BUTTON_STYLE,
  DISABLED_BUTTON,
  GROUP,
  groupStyle,
  TEXT,
  textSize,
  UNSTYLED_BUTTON,
} from "../mantine-markup";

/** The toolbar above the table: `<Group justify="space-between" mb="sm" wrap="nowrap">`. */
export const ToolbarRow = ({ children }: { children: ReactNode }) => (
  <div
    style={{ ...groupStyle("md", "space-between", "nowrap"), marginBottom: "var(--mantine-spacing-sm)" } as CSSProperties}
    className={GROUP}
  >
    {children}
  </div>
);

/** Its end: `<Group gap="sm" wrap="nowrap">`. */
export const ToolbarEnd = ({ children }: { children: ReactNode }) => (
  <div style={groupStyle("sm", "flex-start", "nowrap") as CSSProperties} className={GROUP}>
    {children}
  </div>
);

/** The row below the table: `<Group justify="space-between" mt="sm">`. */
export const FooterRow = ({ children }: { children: ReactNode }) => (
  <div style={{ ...groupStyle("md", "space-between", "wrap"), marginTop: "var(--mantine-spacing-sm)" } as CSSProperties} className={GROUP}>
    {children}
  </div>
);

/** `<Group gap="xs" component="nav" aria-label="Pagination">`. */
export const Pagination = ({ children }: { children: ReactNode }) => (
  <nav style={groupStyle("xs", "flex-start", "wrap") as CSSProperties} className={GROUP} aria-label="Pagination">
    {children}
  </nav>
);

const INPUT_ROOT = `${Input.classes.root} mantine-InputWrapper-root`;
const INPUT_WRAPPER = `${Input.classes.wrapper} mantine-Input-wrapper`;
const INPUT = `${Input.classes.input} mantine-Input-input`;
const SEARCH_WIDTH = { width: "calc(20rem * var(--mantine-scale))" };
const SEARCH_SIZE = { "--input-height": "var(--input-height-sm)", "--input-fz": "var(--mantine-font-size-sm)" } as CSSProperties;

/** `<TextInput aria-label placeholder={label} type="search" w={320} value onChange>`. */
export function SearchInput({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
}) {
  const id = useId();
  return (
    <div style={SEARCH_WIDTH} className={`${INPUT_ROOT} mantine-TextInput-root`} data-size="sm">
      <div style={SEARCH_SIZE} className={`${INPUT_WRAPPER} mantine-TextInput-wrapper`} data-variant="default" data-size="sm">
        <input
          className={`${INPUT} mantine-TextInput-input`}
          data-variant="default"
          aria-label={label}
          placeholder={label}
          type="search"
          aria-invalid={false}
          id={id}
          value={value}
          onChange={onChange}
        />
      </div>
    </div>
  );
}

const SELECT_WIDTH = { width: "calc(8.75rem * var(--mantine-scale))" };
const SELECT_SIZE = {
  "--input-height": "var(--input-height-xs)",
  "--input-fz": "var(--mantine-font-size-xs)",
  "--input-right-section-pointer-events": "none",
} as CSSProperties;
const SECTION = `${Input.classes.section} mantine-Input-section mantine-NativeSelect-section`;
const CHEVRON = `${Combobox.classes.chevron} mantine-ComboboxChevron-chevron`;
const CHEVRON_STYLE = { "--combobox-chevron-size": "var(--combobox-chevron-size-xs)" } as CSSProperties;
/** Mantine's ComboboxChevron icon. */
const CHEVRON_PATH =
  "M4.93179 5.43179C4.75605 5.60753 4.75605 5.89245 4.93179 6.06819C5.10753 6.24392 5.39245 6.24392 5.56819 6.06819L7.49999 4.13638L9.43179 6.06819C9.60753 6.24392 9.89245 6.24392 10.0682 6.06819C10.2439 5.89245 10.2439 5.60753 10.0682 5.43179L7.81819 3.18179C7.73379 3.0974 7.61933 3.04999 7.49999 3.04999C7.38064 3.04999 7.26618 3.0974 7.18179 3.18179L4.93179 5.43179ZM10.0682 9.56819C10.2439 9.39245 10.2439 9.10753 10.0682 8.93179C9.89245 8.75606 9.60753 8.75606 9.43179 8.93179L7.49999 10.8636L5.56819 8.93179C5.39245 8.75606 5.10753 8.75606 4.93179 8.93179C4.75605 9.10753 4.75605 9.39245 4.93179 9.56819L7.18179 11.8182C7.35753 11.9939 7.64245 11.9939 7.81819 11.8182L10.0682 9.56819Z";

/** `<NativeSelect aria-label size="xs" w={140} data value onChange>`: the browser's own select. */
export function PageSizeSelect({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: { value: string; label: string }[];
  value: string;
  onChange: (event: ChangeEvent<HTMLSelectElement>) => void;
}) {
  const id = useId();
  return (
    <div style={SELECT_WIDTH} className={`${INPUT_ROOT} mantine-NativeSelect-root`} data-size="xs">
      <div
        style={SELECT_SIZE}
        className={`${INPUT_WRAPPER} mantine-NativeSelect-wrapper`}
        data-variant="default"
        data-size="xs"
        data-pointer="true"
        data-with-right-section="true"
      >
        <select
          className={`${INPUT} mantine-NativeSelect-input`}
          data-variant="default"
          aria-label={label}
          aria-invalid={false}
          id={id}
          value={value}
          onChange={onChange}
        >
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        <div data-position="right" className={SECTION}>
          <svg
            style={CHEVRON_STYLE}
            className={CHEVRON}
            data-size="xs"
            data-combobox-chevron="true"
            viewBox="0 0 15 15"
            fill="none"
            xmlns="http://www.w3.org/2000/svg"
          >
            <path d={CHEVRON_PATH} fill="currentColor" fillRule="evenodd" clipRule="evenodd" />
          </svg>
        </div>
      </div>
    </div>
  );
}

const FILLED_STYLE = { "--button-color": "var(--mantine-color-white)" } as CSSProperties;

/** `<Button onClick disabled>`: the page's main action. */
export const MainButton = ({ disabled, onClick, children }: { disabled: boolean; onClick: () => void; children: ReactNode }) => (
  <button
    style={FILLED_STYLE}
    className={disabled ? DISABLED_BUTTON : BUTTON}
    data-disabled={disabled || undefined}
    type="button"
    disabled={disabled}
    onClick={onClick}
  >
    <span className={BUTTON_INNER}>
      <span className={BUTTON_LABEL}>{children}</span>
    </span>
  </button>
);

/** `<Button size="xs" variant="default" disabled onClick>`, with the column chooser's ARIA attributes when given. */
export const SmallButton = ({
  disabled = false,
  onClick,
  children,
  ...aria
}: {
  disabled?: boolean;
  onClick: () => void;
  children: ReactNode;
  "aria-haspopup"?: "dialog";
  "aria-expanded"?: boolean;
}) => (
  <button
    style={DEFAULT_XS_BUTTON_STYLE}
    className={disabled ? DISABLED_BUTTON : BUTTON}
    data-variant="default"
    data-size="xs"
    data-disabled={disabled || undefined}
    type="button"
    disabled={disabled}
    {...aria}
    onClick={onClick}
  >
    <span className={BUTTON_INNER}>
      <span className={BUTTON_LABEL}>{children}</span>
    </span>
  </button>
);

const DIMMED = "var(--mantine-color-dimmed)";
const COUNT_STYLE = { ...textSize("sm"), color: DIMMED } as CSSProperties;
const PAGE_STYLE = textSize("sm") as CSSProperties;
const NOTE_STYLE = { ...textSize("xs"), marginTop: "var(--mantine-spacing-xs)", color: DIMMED } as CSSProperties;

/** `<Text size="sm" c="dimmed" aria-live="polite" data-testid="record-total">`. */
export const RecordCount = ({ children }: { children: ReactNode }) => (
  <p style={COUNT_STYLE} className={TEXT} data-size="sm" aria-live="polite" data-testid="record-total">
    {children}
  </p>
);

/** `<Text size="sm" aria-live="polite">`: which page of how many. */
export const PageNumber = ({ children }: { children: ReactNode }) => (
  <p style={PAGE_STYLE} className={TEXT} data-size="sm" aria-live="polite">
    {children}
  </p>
);

/** `<Text size="xs" c="dimmed" mt="xs">`: the note below the paging. */
export const FooterNote = ({ children }: { children: ReactNode }) => (
  <p style={NOTE_STYLE} className={TEXT} data-size="xs">
    {children}
  </p>
);

const TABLE = `${Table.classes.table} mantine-Table-table`;
/** Table's default vertical spacing (7px) as its style prop. */
const TABLE_SPACING = "calc(0.4375rem * var(--mantine-scale))";

/**
 * `<Table striped highlightOnHover aria-label aria-busy style={{ opacity }}>`: the rows' `data-striped` and `data-hover`
 * (crm-index-page.tsx's ROW) are what `striped` and `highlightOnHover` would give them.
 */
export const IndexTable = ({ label, busy, opacity, children }: { label: string; busy: boolean; opacity: number; children: ReactNode }) => (
  <table
    style={{ "--table-vertical-spacing": TABLE_SPACING, opacity } as CSSProperties}
    className={TABLE}
    aria-label={label}
    aria-busy={busy}
  >
    {children}
  </table>
);

const THEAD = `${Table.classes.thead} mantine-Table-thead`;
const TBODY = `${Table.classes.tbody} mantine-Table-tbody`;
/** `<Table.Thead>`. */
export const TableHead = ({ children }: { children: ReactNode }) => <thead className={THEAD}>{children}</thead>;
/** `<Table.Tbody>`. */
export const TableBody = ({ children }: { children: ReactNode }) => <tbody className={TBODY}>{children}</tbody>;

const TH = `${Table.classes.th} mantine-Table-th`;
const SORT_BUTTON = `mantine-focus-auto ${UNSTYLED_BUTTON}`;
const SORT_STYLE = { fontSize: "var(--mantine-font-size-sm)", fontWeight: 700 };

/** `<Table.Th scope="col">`: a column's header cell without a sort. */
export const HeaderCell = ({ children }: { children: ReactNode }) => (
  <th className={TH} scope="col">
    {children}
  </th>
);

/** `<Table.Th scope="col" aria-sort><UnstyledButton onClick fw={700} fz="sm">`: a sortable column's header cell. */
export const SortHeaderCell = ({
  sort,
  onClick,
  children,
}: {
  sort: "ascending" | "descending" | "none";
  onClick: () => void;
  children: ReactNode;
}) => (
  <th className={TH} scope="col" aria-sort={sort}>
    <button style={SORT_STYLE} className={SORT_BUTTON} type="button" onClick={onClick}>
      {children}
    </button>
  </th>
);
