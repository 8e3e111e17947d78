/**
 * What happened to a CRM record, told after the change commits. HubSpot's webhook event kinds; the crm domain only
 * tells, and whoever cares (webhooks) subscribes at the composition root, so crm depends on no subscriber.
 */
export type CrmEvent = {
  accountId: number;
  objectTypeId: string;
  objectId: number;
  occurredAt: number;
  /** HubSpot's changeSource: API for the CRM API, CRM_UI for the console, ... */
  changeSource: string;
  sourceId: string | null;
} & (
  | { kind: "creation" | "deletion" | "restore" }
  | { kind: "propertyChange"; propertyName: string; propertyValue: string | null }
  | { kind: "merge"; primaryObjectId: number; mergedObjectIds: number[] }
  /** `objectId` is the association's from side; HubSpot tells both directions. */
  | { kind: "associationChange"; associationType: string; toObjectTypeId: string; toObjectId: number; associationRemoved: boolean }
);

/** The fields every event of one write shares. */
export const eventBase = (
  accountId: number,
  objectTypeId: string,
  occurredAt: number,
  source: { sourceType: string; sourceId: string | null },
) => ({
  accountId,
  objectTypeId,
  occurredAt,
  changeSource: source.sourceType,
  sourceId: source.sourceId,
});

/** A propertyChange per value that differs from what the record held (`before`; empty for a new record). */
export function propertyChanges(
  base: ReturnType<typeof eventBase>,
  objectId: number,
  before: Record<string, string | null | undefined>,
  after: Record<string, string | null>,
): CrmEvent[] {
  return Object.entries(after)
    .filter(([name, value]) => (before[name] ?? null) !== value)
    .map(([propertyName, propertyValue]) => ({ ...base, objectId, kind: "propertyChange" as const, propertyName, propertyValue }));
}

/** Associations made or removed between records of two types, told from each side as HubSpot does (CONTACT_TO_COMPANY and COMPANY_TO_CONTACT). */
export function associationChanges(
  accountId: number,
  from: { id: string; upper: string },
  to: { id: string; upper: string },
  pairs: ReadonlyArray<{ fromId: number; toId: number }>,
  removed: boolean,
  occurredAt: number,
  source: { sourceType: string; sourceId: string | null },
): CrmEvent[] {
  const side = (a: typeof from, b: typeof to, aId: number, bId: number): CrmEvent => ({
    ...eventBase(accountId, a.id, occurredAt, source),
    objectId: aId,
    kind: "associationChange",
    associationType: `${a.upper}_TO_${b.upper}`,
    toObjectTypeId: b.id,
    toObjectId: bId,
    associationRemoved: removed,
  });
  return pairs.flatMap((x) => [side(from, to, x.fromId, x.toId), side(to, from, x.toId, x.fromId)]);
}

export const deletions = (base: ReturnType<typeof eventBase>, ids: readonly number[]): CrmEvent[] =>
  ids.map((objectId) => ({ ...base, objectId, kind: "deletion" as const }));

/** Removal routes do not say who asked; HubSpot's changeSource for an API call. */
export const REMOVAL_SOURCE = { sourceType: "API", sourceId: null };

export type CrmEventListener = (events: readonly CrmEvent[]) => void;

/** The platform's one hook for CRM changes; listeners run synchronously and must not throw into the write. */
export class CrmEvents {
  private readonly listeners = new Set<CrmEventListener>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  subscribe(listener: CrmEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(events: readonly CrmEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
