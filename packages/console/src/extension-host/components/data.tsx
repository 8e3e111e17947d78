// Data display: Table family, DescriptionList, Statistics, charts, Accordion, Tabs, Iframe, FileViewer.
import { createContext, useContext, useEffect, useId, useLayoutEffect, useState, type ReactNode } from "react";
import { cx, fire, safeUrl, size, type RemoteProps } from "./primitives";

function Table({
  bordered = true,
  flush,
  density = "default",
  paginated,
  pageCount,
  page,
  onPageChange,
  showButtonLabels = true,
  children,
}: RemoteProps) {
  const [current, setCurrent] = useState<number>(page ?? 1);
  useEffect(() => {
    if (typeof page === "number") setCurrent(page);
  }, [page]);
  const pages = Math.max(1, Number(pageCount) || 1);
  const go = (next: number) => {
    setCurrent(next);
    fire(onPageChange, next);
  };
  return (
    <div className={cx("sx-table-wrap", flush && "sx-table-wrap--flush")}>
      <table className={cx("sx-table", bordered && "sx-table--bordered", `sx-table--${density}`)}>{children}</table>
      {paginated ? (
        <nav className="sx-pagination" aria-label="Pagination">
          <button
            type="button"
            className="sx-button sx-button--transparent sx-button--sm"
            disabled={current <= 1}
            onClick={() => go(current - 1)}
            aria-label="Previous page"
          >
            ‹{showButtonLabels ? " Prev" : ""}
          </button>
          {Array.from({ length: pages }, (_, index) => index + 1).map((n) => (
            <button
              key={n}
              type="button"
              className={cx("sx-pagination__page", n === current && "sx-pagination__page--current")}
              aria-current={n === current ? "page" : undefined}
              onClick={() => go(n)}
            >
              {n}
            </button>
          ))}
          <button
            type="button"
            className="sx-button sx-button--transparent sx-button--sm"
            disabled={current >= pages}
            onClick={() => go(current + 1)}
            aria-label="Next page"
          >
            {showButtonLabels ? "Next " : ""}›
          </button>
        </nav>
      ) : null}
    </div>
  );
}

const widthOf = (width: unknown) => (typeof width === "number" ? width : width === "min" ? "1%" : undefined);

function TableHeader({ sortDirection, onSortChange, align, width, disabled, children }: RemoteProps) {
  const sortable = sortDirection && sortDirection !== "never";
  const ariaSort = sortDirection === "ascending" || sortDirection === "descending" ? sortDirection : sortable ? "none" : undefined;
  const next = sortDirection === "ascending" ? "descending" : sortDirection === "descending" ? "none" : "ascending";
  return (
    <th scope="col" aria-sort={ariaSort} style={{ textAlign: align, width: widthOf(width) }}>
      {sortable ? (
        <button type="button" className="sx-sort" disabled={Boolean(disabled)} onClick={() => fire(onSortChange, next)}>
          {children}
          <span aria-hidden="true">{sortDirection === "ascending" ? " ▲" : sortDirection === "descending" ? " ▼" : " ↕"}</span>
        </button>
      ) : (
        children
      )}
    </th>
  );
}

function StatisticsTrend({ value, direction, color }: RemoteProps) {
  const up = direction === "increase";
  const tone = color ?? (up ? "green" : "red");
  return (
    <span className={cx("sx-trend", `sx-trend--${tone}`)}>
      <span aria-hidden="true">{up ? "▲" : "▼"}</span>
      <span className="sx-visually-hidden">{up ? "Increased by" : "Decreased by"}</span> {value}
    </span>
  );
}

const palette = ["#ff7a59", "#00bda5", "#6a78d1", "#f5c26b", "#f2547d", "#4fb06d", "#516f90"];
type Row = Record<string, string | number>;

function chartRows(data: unknown): Row[] {
  if (Array.isArray(data)) return data;
  if (data && typeof data === "object" && Array.isArray((data as { data?: unknown }).data)) return (data as { data: Row[] }).data;
  return [];
}

function Chart({ data, axes, options, kind }: RemoteProps & { kind: "bar" | "line" }) {
  const rows = chartRows(data);
  const x: string = axes?.x?.field ?? "x";
  const y: string = axes?.y?.field ?? "y";
  const group: string | undefined = axes?.options?.groupFieldByColor;
  const values = rows.map((row) => Number(row[y]) || 0);
  const top = Math.max(1, ...values);
  const groups = [...new Set(rows.map((row) => (group ? String(row[group]) : "")))];
  const color = (row: Row) => palette[groups.indexOf(group ? String(row[group]) : "") % palette.length];
  const width = 320;
  const height = 160;
  const step = width / Math.max(1, rows.length);
  const title = options?.title ?? `${axes?.y?.label ?? y} by ${axes?.x?.label ?? x}`;
  const point = (row: Row, index: number) => [index * step + step / 2, height - ((Number(row[y]) || 0) / top) * (height - 10)] as const;
  return (
    <figure className="sx-chart">
      <figcaption className="sx-chart__title">{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} className="sx-chart__plot">
        <line x1="0" y1={height} x2={width} y2={height} stroke="var(--sx-border)" />
        {kind === "bar"
          ? rows.map((row, index) => {
              const [cx0, cy] = point(row, index);
              return <rect key={index} x={cx0 - step * 0.35} y={cy} width={step * 0.7} height={height - cy} fill={color(row)} rx="2" />;
            })
          : groups.map((name, g) => {
              const points = rows.map((row, index) => [row, index] as const).filter(([row]) => !group || String(row[group]) === name);
              return (
                <polyline
                  key={g}
                  fill="none"
                  strokeWidth="2"
                  stroke={palette[g % palette.length]}
                  points={points.map(([row, index]) => point(row, index).join(",")).join(" ")}
                />
              );
            })}
      </svg>
      {options?.showLegend && group ? (
        <ul className="sx-chart__legend">
          {groups.map((name, g) => (
            <li key={name}>
              <span style={{ background: palette[g % palette.length] }} aria-hidden="true" /> {name}
            </li>
          ))}
        </ul>
      ) : null}
      <table className="sx-visually-hidden">
        <thead>
          <tr>
            <th scope="col">{axes?.x?.label ?? x}</th>
            <th scope="col">{axes?.y?.label ?? y}</th>
            {group ? <th scope="col">{group}</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>
              <td>{String(row[x] ?? "")}</td>
              <td>{String(row[y] ?? "")}</td>
              {group ? <td>{String(row[group] ?? "")}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function Accordion({ title, defaultOpen, open, disabled, onClick, children, size: accordionSize }: RemoteProps) {
  const [expanded, setExpanded] = useState<boolean>(open ?? Boolean(defaultOpen));
  useEffect(() => {
    if (typeof open === "boolean") setExpanded(open);
  }, [open]);
  const id = useId();
  return (
    <div className={cx("sx-accordion", `sx-accordion--${size(accordionSize, "sm")}`)}>
      <h3 className="sx-accordion__heading">
        <button
          type="button"
          className="sx-accordion__toggle"
          aria-expanded={expanded}
          aria-controls={id}
          disabled={Boolean(disabled)}
          onClick={() => {
            if (typeof open !== "boolean") setExpanded(!expanded);
            fire(onClick);
          }}
        >
          <span aria-hidden="true">{expanded ? "▾" : "▸"}</span> {title}
        </button>
      </h3>
      <div id={id} className="sx-accordion__body" hidden={!expanded}>
        {children}
      </div>
    </div>
  );
}

interface TabEntry {
  id: string | number;
  title: string;
  disabled: boolean;
  key: string;
}
const TabsContext = createContext<{
  selected: string | number | undefined;
  register: (tab: TabEntry) => () => void;
  baseId: string;
} | null>(null);

function Tabs({ selected, defaultSelected, onSelectedChange, variant, fill, children }: RemoteProps) {
  const [tabs, setTabs] = useState<TabEntry[]>([]);
  const [local, setLocal] = useState<string | number | undefined>(selected ?? defaultSelected);
  const baseId = useId();
  useEffect(() => {
    if (selected !== undefined) setLocal(selected);
  }, [selected]);
  const current = local ?? tabs.find((tab) => !tab.disabled)?.id;
  const register = (tab: TabEntry) => {
    setTabs((list) => [...list.filter((t) => t.key !== tab.key), tab]);
    return () => setTabs((list) => list.filter((t) => t.key !== tab.key));
  };
  const choose = (id: string | number) => {
    if (selected === undefined) setLocal(id);
    fire(onSelectedChange, id);
  };
  return (
    <div className={cx("sx-tabs", variant === "enclosed" && "sx-tabs--enclosed")}>
      <div role="tablist" className={cx("sx-tabs__list", fill && "sx-tabs__list--fill")}>
        {tabs.map((tab) => (
          <button
            key={tab.key}
            type="button"
            role="tab"
            id={`${baseId}-tab-${tab.id}`}
            aria-selected={tab.id === current}
            aria-controls={`${baseId}-panel-${tab.id}`}
            tabIndex={tab.id === current ? 0 : -1}
            disabled={tab.disabled}
            className="sx-tabs__tab"
            onClick={() => choose(tab.id)}
          >
            {tab.title}
          </button>
        ))}
      </div>
      <TabsContext.Provider value={{ selected: current, register, baseId }}>{children}</TabsContext.Provider>
    </div>
  );
}

function Tab({ tabId, title, disabled, children }: RemoteProps) {
  const tabs = useContext(TabsContext);
  const key = useId();
  const id: string | number = tabId ?? key;
  // Registered once per tab (key is stable, the Tabs context too); only its own props re-register it.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useLayoutEffect(() => tabs?.register({ id, title: title ?? String(id), disabled: Boolean(disabled), key }), [id, title, disabled]);
  if (!tabs) return <div>{children}</div>;
  return (
    <div
      role="tabpanel"
      id={`${tabs.baseId}-panel-${id}`}
      aria-labelledby={`${tabs.baseId}-tab-${id}`}
      hidden={tabs.selected !== id}
      className="sx-tabs__panel"
    >
      {tabs.selected === id ? children : null}
    </div>
  );
}

function StatisticsItem({ label, number, children }: RemoteProps) {
  return (
    <div className="sx-stat">
      <dt className="sx-stat__label">{label}</dt>
      <dd className="sx-stat__number">{number}</dd>
      {children ? <dd className="sx-stat__extra">{children}</dd> : null}
    </div>
  );
}

const iframeHeights: Record<string, number> = { sm: 200, md: 400, lg: 600 };

export const dataComponents = {
  Table,
  TableHead: ({ children }: RemoteProps) => <thead>{children}</thead>,
  TableBody: ({ children }: RemoteProps) => <tbody>{children}</tbody>,
  TableFooter: ({ children }: RemoteProps) => <tfoot>{children}</tfoot>,
  TableRow: ({ children }: RemoteProps) => <tr>{children}</tr>,
  TableHeader,
  TableCell: ({ colSpan, align, width, children }: RemoteProps) => (
    <td colSpan={colSpan} style={{ textAlign: align, width: widthOf(width) }}>
      {children}
    </td>
  ),
  DescriptionList: ({ direction, children }: RemoteProps) => (
    <dl className={cx("sx-dl", direction === "row" && "sx-dl--row")}>{children}</dl>
  ),
  DescriptionListItem: ({ label, children }: RemoteProps) => (
    <div className="sx-dl__item">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  ),
  Statistics: ({ children }: RemoteProps) => <dl className="sx-stats">{children}</dl>,
  StatisticsItem,
  StatisticsTrend,
  BarChart: (props: RemoteProps) => <Chart {...props} kind="bar" />,
  LineChart: (props: RemoteProps) => <Chart {...props} kind="line" />,
  Accordion,
  Tabs,
  Tab,
  Iframe: ({ src, height }: RemoteProps) => (
    <iframe
      title="Embedded content"
      className="sx-iframe"
      src={safeUrl(src)}
      height={iframeHeights[size(height, "md")]}
      sandbox="allow-scripts allow-forms allow-popups"
    />
  ),
  FileViewer: ({ fileIds, source }: RemoteProps) => {
    const ids: ReactNode[] = Array.isArray(fileIds) ? fileIds : [];
    return (
      <div className="sx-files" role="group" aria-label="Files">
        {ids.length ? (
          <ul>
            {ids.map((id, index) => (
              <li key={index}>File {id}</li>
            ))}
          </ul>
        ) : (
          <p className="sx-text sx-text--micro">No files{source ? ` in ${JSON.stringify(source)}` : ""}.</p>
        )}
      </div>
    );
  },
};
