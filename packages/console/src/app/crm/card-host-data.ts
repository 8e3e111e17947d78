// CRM reads for cards (Crm* components, data hooks), answered by the CRM API with the page's session.
import type { CrmHostData } from "../../extension-host";
import { crmApi } from "./crm-api";
import { findType, standardObjectTypes } from "./object-types";

/** The API path name of a type a card names; the CRM API itself resolves custom objects (p_<name>, 2-<n>). */
const typeName = (objectTypeId: string) => findType(standardObjectTypes, objectTypeId)?.name ?? objectTypeId;

export const cardHostData: CrmHostData = {
  async fetchProperties(record, names) {
    const type = typeName(record.objectTypeId);
    const wanted = names === "*" ? (await crmApi.properties(type)).map((p) => p.name) : names;
    return (await crmApi.get(type, String(record.objectId), wanted)).properties;
  },
  async fetchAssociations(record, request) {
    const to = typeName(request.toObjectType);
    const pageLength = request.pageLength ?? 10;
    const offset = request.offset ?? 0;
    const { results } = await crmApi.associations(typeName(record.objectTypeId), String(record.objectId), to, 500);
    const page = results.slice(offset, offset + pageLength);
    const records = page.length
      ? await crmApi.batchRead(
          to,
          page.map((r) => String(r.toObjectId)),
          request.properties ?? [],
        )
      : [];
    const byId = new Map(records.map((r) => [r.id, r.properties]));
    return {
      results: page.map((r) => ({
        toObjectId: Number(r.toObjectId),
        associationTypes: r.associationTypes.map((t) => ({ category: t.category, typeId: t.typeId, label: t.label ?? "" })),
        properties: byId.get(String(r.toObjectId)) ?? {},
      })),
      hasMore: results.length > offset + pageLength,
      nextOffset: offset + page.length,
    };
  },
  async search(request) {
    const page = await crmApi.search(typeName(request.objectType), {
      properties: request.properties ?? [],
      limit: request.pageLength ?? 10,
      ...(request.query ? { query: request.query } : {}),
      ...(request.sorts ? { sorts: request.sorts } : {}),
      ...(request.after ? { after: request.after } : {}),
      ...(request.filterGroups ? { filterGroups: request.filterGroups as never } : {}),
    });
    return {
      results: page.results.map((r) => ({ objectId: Number(r.id), properties: r.properties })),
      total: page.total,
      hasMore: !!page.paging?.next,
      ...(page.paging?.next ? { after: page.paging.next.after } : {}),
    };
  },
};
