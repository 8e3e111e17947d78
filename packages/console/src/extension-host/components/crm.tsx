// CRM data components, drawn from the CRM data the page supplies (CardServices.hostData).
import { useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import type { AssociationsPage, CrmProperties, CrmRecordRef } from "../contract";
import type { CardSession } from "../card-session";
import { useCardSession } from "./card-scope";
import { AlertBox } from "./feedback";
import { cx, fire, safeUrl, type RemoteProps } from "./primitives";

type Loaded<T> = { status: "loading" } | { status: "error"; message: string } | { status: "ready"; data: T };

/** Reads CRM data for a component; reads again when the card asks the page to refresh properties. */
function useCrmRead<T>(read: (session: CardSession) => Promise<T>, key: unknown[]): Loaded<T> {
  const session = useCardSession();
  const version = useSyncExternalStore(session.subscribe, () => session.snapshot.crmVersion);
  const [state, setState] = useState<Loaded<T>>({ status: "loading" });
  useEffect(() => {
    let current = true;
    read(session).then(
      (data) => current && setState({ status: "ready", data }),
      (error: unknown) => current && setState({ status: "error", message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
    // The read is identified by `key`: callers pass the props it depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session, version, JSON.stringify(key)]);
  return state;
}

function hostData(session: CardSession) {
  if (!session.services.hostData) throw new Error("CRM data is not available on this page");
  return session.services.hostData;
}

function targetRecord(session: CardSession, props: RemoteProps): CrmRecordRef {
  if (typeof props.objectId === "number" && typeof props.objectTypeId === "string")
    return { objectId: props.objectId, objectTypeId: props.objectTypeId };
  if (!session.record) throw new Error("This card is not on a CRM record");
  return session.record;
}

const names = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

function Loading<T>({ state, label, children }: { state: Loaded<T>; label: string; children: (data: T) => ReactNode }) {
  if (state.status === "loading")
    return (
      <div className="sx-spinner" role="status">
        <span className="sx-spinner__wheel sx-spinner__wheel--sm" aria-hidden="true" />
        <span className="sx-visually-hidden">Loading {label}</span>
      </div>
    );
  if (state.status === "error")
    return (
      <AlertBox variant="danger" title={`Could not load ${label}`}>
        {state.message}
      </AlertBox>
    );
  return <>{children(state.data)}</>;
}

function PropertyList({ properties, values, direction }: { properties: string[]; values: CrmProperties; direction?: string }) {
  return (
    <dl className={cx("sx-dl", direction === "row" && "sx-dl--row")}>
      {properties.map((name) => (
        <div className="sx-dl__item" key={name}>
          <dt>{name}</dt>
          <dd>{values[name] || "—"}</dd>
        </div>
      ))}
    </dl>
  );
}

function useRecordProperties(props: RemoteProps, list: string[]) {
  return useCrmRead(
    (session) => hostData(session).fetchProperties(targetRecord(session, props), list),
    [props.objectId, props.objectTypeId, list],
  );
}

function useAssociations(props: RemoteProps, properties: string[], pageLength = 100, offset = 0) {
  return useCrmRead(
    (session) =>
      hostData(session).fetchAssociations(targetRecord(session, {}), { toObjectType: props.objectTypeId, properties, pageLength, offset }),
    [props.objectTypeId, properties, pageLength, offset],
  );
}

function CrmPropertyList(props: RemoteProps) {
  const list = names(props.properties);
  const state = useRecordProperties(props, list);
  return (
    <Loading state={state} label="properties">
      {(values) => <PropertyList properties={list} values={values} direction={props.direction} />}
    </Loading>
  );
}

function CrmDataHighlight(props: RemoteProps) {
  const list = names(props.properties);
  const state = useRecordProperties(props, list);
  return (
    <Loading state={state} label="properties">
      {(values) => (
        <dl className="sx-stats">
          {list.map((name) => (
            <div className="sx-stat" key={name}>
              <dt className="sx-stat__label">{name}</dt>
              <dd className="sx-stat__number">{values[name] || "—"}</dd>
            </div>
          ))}
        </dl>
      )}
    </Loading>
  );
}

const stageProperties = ["dealstage", "hs_pipeline_stage", "lifecyclestage"];

function CrmStageTracker(props: RemoteProps) {
  const list = names(props.properties);
  const state = useRecordProperties(props, [...new Set([...stageProperties, ...list])]);
  return (
    <Loading state={state} label="stage">
      {(values) => {
        const stage = stageProperties.map((name) => values[name]).find(Boolean);
        return (
          <div className="sx-stage">
            <p className="sx-text">
              Stage: <span className="sx-status sx-status--info">{stage ?? "none"}</span>
            </p>
            {props.showProperties !== false ? <PropertyList properties={list} values={values} /> : null}
          </div>
        );
      }}
    </Loading>
  );
}

function CrmSimpleDeadline(props: RemoteProps) {
  const list = names(props.properties);
  const state = useRecordProperties(props, [...new Set([props.startDatePropertyName, props.endDatePropertyName, ...list].filter(Boolean))]);
  return (
    <Loading state={state} label="deadline">
      {(values) => {
        const start = Date.parse(values[props.startDatePropertyName] ?? "");
        const end = Date.parse(values[props.endDatePropertyName] ?? "");
        const known = Number.isFinite(start) && Number.isFinite(end) && end > start;
        const percent = known ? Math.round(Math.min(1, Math.max(0, (Date.now() - start) / (end - start))) * 100) : 0;
        return (
          <div>
            <div
              role="progressbar"
              aria-label="Time elapsed until the deadline"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
              className="sx-progress__track"
            >
              <div className="sx-progress__fill" style={{ width: `${percent}%` }} />
            </div>
            <p className="sx-text sx-text--micro">
              {known ? `${percent}% of the time until ${new Date(end).toLocaleDateString()} has passed` : "No deadline set"}
            </p>
            {props.showProperties !== false ? <PropertyList properties={list} values={values} /> : null}
          </div>
        );
      }}
    </Loading>
  );
}

function CrmAssociationTable(props: RemoteProps) {
  const columns = names(props.propertyColumns);
  const pageSize = typeof props.pageSize === "number" ? props.pageSize : 5;
  const [offset, setOffset] = useState(0);
  const state = useAssociations(props, columns, pageSize, offset);
  return (
    <Loading state={state} label="associated records">
      {(page: AssociationsPage) => (
        <div className="sx-table-wrap">
          <table className="sx-table sx-table--bordered">
            <thead>
              <tr>
                {columns.map((name) => (
                  <th scope="col" key={name}>
                    {name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {page.results.length === 0 ? (
                <tr>
                  <td colSpan={columns.length || 1}>No associated records</td>
                </tr>
              ) : (
                page.results.map((row) => (
                  <tr key={row.toObjectId}>
                    {columns.map((name) => (
                      <td key={name}>{row.properties[name] ?? "—"}</td>
                    ))}
                  </tr>
                ))
              )}
            </tbody>
          </table>
          {props.pagination !== false && (offset > 0 || page.hasMore) ? (
            <nav className="sx-pagination" aria-label="Associated records pages">
              <button
                type="button"
                className="sx-button sx-button--transparent sx-button--sm"
                disabled={offset === 0}
                onClick={() => setOffset(Math.max(0, offset - pageSize))}
              >
                ‹ Prev
              </button>
              <button
                type="button"
                className="sx-button sx-button--transparent sx-button--sm"
                disabled={!page.hasMore}
                onClick={() => setOffset(page.nextOffset)}
              >
                Next ›
              </button>
            </nav>
          ) : null}
        </div>
      )}
    </Loading>
  );
}

const labelOf = (row: AssociationsPage["results"][number]) => row.associationTypes[0]?.label || "Unlabeled";
const titleOf = (row: AssociationsPage["results"][number]) =>
  row.properties.name ??
  ([row.properties.firstname, row.properties.lastname].filter(Boolean).join(" ") || row.properties.dealname || `Record ${row.toObjectId}`);

function CrmAssociationPivot(props: RemoteProps) {
  const state = useAssociations(props, ["name", "firstname", "lastname", "dealname", "email"], props.maxAssociations ?? 100);
  const wanted = names(props.associationLabels);
  return (
    <Loading state={state} label="associations">
      {(page: AssociationsPage) => {
        const groups = new Map<string, typeof page.results>();
        for (const row of page.results) {
          const label = labelOf(row);
          if (wanted.length && !wanted.includes(label)) continue;
          groups.set(label, [...(groups.get(label) ?? []), row]);
        }
        if (groups.size === 0) return <p className="sx-text">No associated records</p>;
        return (
          <div className="sx-pivot">
            {[...groups].map(([label, rows]) => (
              <section key={label}>
                <h4 className="sx-heading">
                  {label} ({rows.length})
                </h4>
                <ul className="sx-list">
                  {rows.map((row) => (
                    <li key={row.toObjectId}>{titleOf(row)}</li>
                  ))}
                </ul>
              </section>
            ))}
          </div>
        );
      }}
    </Loading>
  );
}

function CrmAssociationPropertyList(props: RemoteProps) {
  const list = names(props.properties);
  const state = useAssociations(props, list, 1);
  return (
    <Loading state={state} label="associated record">
      {(page: AssociationsPage) =>
        page.results[0] ? (
          <PropertyList properties={list} values={page.results[0].properties} />
        ) : (
          <p className="sx-text">No associated record</p>
        )
      }
    </Loading>
  );
}

function CrmAssociationStageTracker(props: RemoteProps) {
  const list = names(props.properties);
  const state = useAssociations(props, [...new Set([...stageProperties, "name", "dealname", ...list])]);
  return (
    <Loading state={state} label="associated stages">
      {(page: AssociationsPage) => (
        <ul className="sx-list sx-list--unordered-styled">
          {page.results.map((row) => (
            <li key={row.toObjectId}>
              {titleOf(row)}:{" "}
              <span className="sx-status sx-status--info">
                {stageProperties.map((name) => row.properties[name]).find(Boolean) ?? "none"}
              </span>
              {props.showProperties ? <PropertyList properties={list} values={row.properties} /> : null}
            </li>
          ))}
        </ul>
      )}
    </Loading>
  );
}

function statistic(type: string, values: number[], count: number, percentile?: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  switch (type) {
    case "COUNT":
      return count;
    case "SUM":
      return values.reduce((a, b) => a + b, 0);
    case "AVG":
      return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
    case "MIN":
      return sorted[0] ?? 0;
    case "MAX":
      return sorted[sorted.length - 1] ?? 0;
    case "DISTINCT_APPROX":
      return new Set(values).size;
    case "PERCENTILES":
      return sorted[Math.min(sorted.length - 1, Math.floor(((percentile ?? 50) / 100) * sorted.length))] ?? 0;
    default:
      return Number.NaN;
  }
}

function CrmStatistics(props: RemoteProps) {
  const items: { label: string; statisticType: string; propertyName: string; percentile?: number }[] = Array.isArray(props.statistics)
    ? props.statistics
    : [];
  const state = useAssociations(props, [...new Set(items.map((item) => item.propertyName))]);
  return (
    <Loading state={state} label="statistics">
      {(page: AssociationsPage) => (
        <dl className="sx-stats">
          {items.map((item, index) => {
            const values = page.results.map((row) => Number(row.properties[item.propertyName])).filter(Number.isFinite);
            const value = statistic(item.statisticType, values, page.results.length, item.percentile);
            return (
              <div className="sx-stat" key={index}>
                <dt className="sx-stat__label">{item.label}</dt>
                <dd className="sx-stat__number">{Number.isFinite(value) ? Math.round(value * 100) / 100 : "—"}</dd>
              </div>
            );
          })}
        </dl>
      )}
    </Loading>
  );
}

function runCrmAction(session: CardSession, actionType: string, actionContext: unknown, onError?: (errors: string[]) => void) {
  const handler = session.services.onCrmAction;
  if (handler) return handler(actionType, actionContext);
  const href = safeUrl((actionContext as { href?: string } | undefined)?.href);
  if (actionType === "EXTERNAL_URL" && href) {
    window.open(href, "_blank", "noopener,noreferrer");
    return;
  }
  fire(onError, [`The action ${actionType} is not available on this page`]);
}

function CrmActionButton({ actionType, actionContext, onError, onClick, variant = "secondary", disabled, children }: RemoteProps) {
  const session = useCardSession();
  return (
    <button
      type="button"
      className={cx("sx-button", `sx-button--${variant}`, "sx-button--md")}
      disabled={Boolean(disabled)}
      onClick={() => {
        fire(onClick);
        runCrmAction(session, actionType, actionContext, onError);
      }}
    >
      {children}
    </button>
  );
}

function CrmActionLink({ actionType, actionContext, onError, onClick, variant, children }: RemoteProps) {
  const session = useCardSession();
  return (
    <button
      type="button"
      className={cx("sx-link", "sx-link--button", variant && `sx-link--${variant}`)}
      onClick={() => {
        fire(onClick);
        runCrmAction(session, actionType, actionContext, onError);
      }}
    >
      {children}
    </button>
  );
}

function CrmCardActions({ actionConfigs, onError }: RemoteProps) {
  const session = useCardSession();
  const configs: {
    type: string;
    label?: string;
    actionType?: string;
    actionContext?: unknown;
    disabled?: boolean;
    options?: { label?: string; actionType: string; actionContext: unknown }[];
  }[] = Array.isArray(actionConfigs) ? actionConfigs : [];
  return (
    <div className="sx-button-row" role="group" aria-label="Card actions">
      {configs.flatMap((config, index) =>
        (config.type === "dropdown" ? (config.options ?? []) : [config]).map((action, inner) => (
          <button
            key={`${index}-${inner}`}
            type="button"
            className="sx-button sx-button--secondary sx-button--sm"
            disabled={Boolean(config.disabled)}
            onClick={() => runCrmAction(session, String(action.actionType), action.actionContext, onError)}
          >
            {action.label ?? String(action.actionType).toLowerCase().replace(/_/g, " ")}
          </button>
        )),
      )}
    </div>
  );
}

export const crmComponents = {
  CrmPropertyList,
  CrmDataHighlight,
  CrmStageTracker,
  CrmSimpleDeadline,
  CrmAssociationTable,
  CrmAssociationPivot,
  CrmAssociationPropertyList,
  CrmAssociationStageTracker,
  CrmStatistics,
  CrmReport: ({ reportId }: RemoteProps) => (
    <AlertBox variant="info" title="Report">
      Report {String(reportId)} cannot be shown: Sprocket has no reports.
    </AlertBox>
  ),
  CrmActionButton,
  CrmActionLink,
  CrmCardActions,
};
