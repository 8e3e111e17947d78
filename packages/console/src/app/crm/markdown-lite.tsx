// The Markdown timeline event templates use, as React elements (never as HTML, so an event's values stay text):
// **bold**, *italic* or _italic_, [links](https://…) and line breaks.
import { Fragment, type ReactNode } from "react";
import { Anchor } from "@mantine/core";

const INLINE = /\*\*(.+?)\*\*|\*(.+?)\*|(?<!\w)_(.+?)_(?!\w)|\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g;

function inline(line: string, key: string): ReactNode[] {
  const out: ReactNode[] = [];
  let at = 0;
  for (const m of line.matchAll(INLINE)) {
    out.push(line.slice(at, m.index));
    const k = `${key}-${m.index}`;
    if (m[1] !== undefined) out.push(<strong key={k}>{inline(m[1], k)}</strong>);
    else if (m[2] !== undefined || m[3] !== undefined) out.push(<em key={k}>{inline((m[2] ?? m[3])!, k)}</em>);
    else
      out.push(
        <Anchor key={k} href={m[5]} target="_blank" rel="noreferrer noopener" size="sm">
          {m[4]}
        </Anchor>,
      );
    at = m.index + m[0].length;
  }
  out.push(line.slice(at));
  return out;
}

export function MarkdownLite({ text }: { text: string }) {
  const lines = text.split("\n");
  return (
    <>
      {lines.map((line, i) => (
        <Fragment key={i}>
          {i > 0 ? <br /> : null}
          {inline(line, String(i))}
        </Fragment>
      ))}
    </>
  );
}
