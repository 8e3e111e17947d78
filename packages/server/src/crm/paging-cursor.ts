import { invalid } from "../errors/domain-error";

/**
 * List cursors are opaque to clients (HubSpot's are base64 too) and carry the last id served, so a page is a keyset
 * range scan however deep it is.
 */
export function encodeAfter(lastId: number): string {
  return Buffer.from(`k${lastId}`).toString("base64url");
}

export function decodeAfter(after: string | undefined): number {
  if (after === undefined || after === "") return 0;
  const text = Buffer.from(after, "base64url").toString("utf8");
  const match = /^k(\d{1,15})$/.exec(text);
  if (!match)
    throw invalid(`Invalid paging cursor after=${JSON.stringify(after)}: pass back paging.next.after from a previous page.`, [
      { message: "Invalid after", in: "after", code: "INVALID_PAGING_CURSOR" },
    ]);
  return Number(match[1]);
}

/** `paging.next` with HubSpot's `link`. */
export function nextPaging(baseUrl: string, path: string, after: string): { next: { after: string; link: string } } {
  return { next: { after, link: `${baseUrl}${path}?after=${encodeURIComponent(after)}` } };
}
