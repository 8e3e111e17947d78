// A card that failed to load: its whole trace id (wrapping, never cut), a copy button and a link to the trace.
import { useState, type MouseEvent } from "react";
import type { CardSession } from "./card-session";
import type { FailureReport } from "./worker-protocol";

/** `frames` are the failure's stack in the project's files, once the page has had it mapped (CardServices.mapStack). */
export function CardFailure({
  session,
  failure,
  frames,
}: {
  session: CardSession;
  failure: FailureReport | undefined;
  frames: string[] | undefined;
}) {
  const [copied, setCopied] = useState<"yes" | "failed">();
  const traceUrl = session.traceUrl;
  const copy = () =>
    navigator.clipboard.writeText(session.traceId).then(
      () => setCopied("yes"),
      () => setCopied("failed"),
    );
  const open = (event: MouseEvent<HTMLAnchorElement>) => {
    // A plain click stays in the page's router; a middle or modified click opens a tab as links do.
    if (!traceUrl || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    session.openPath(traceUrl);
  };
  return (
    <div className="sx-card__failure" role="alert">
      <p>
        This card failed to load. Trace ID: <code className="sx-card__trace">{session.traceId}</code>
      </p>
      <div className="sx-card__failure-actions">
        <button type="button" className="sx-button sx-button--xs" onClick={() => void copy()}>
          {copied === "yes" ? "Copied" : "Copy trace ID"}
        </button>
        {traceUrl ? (
          <a className="sx-link" href={traceUrl} onClick={open}>
            View trace
          </a>
        ) : null}
        {copied === "failed" ? <span className="sx-text--micro">Copying was refused: select the id instead.</span> : null}
      </div>
      {failure ? (
        <details>
          <summary>Details</summary>
          <pre>{[`${failure.name}: ${failure.message}`, ...(frames ?? []).map((frame) => `    ${frame}`)].join("\n")}</pre>
        </details>
      ) : null}
    </div>
  );
}
