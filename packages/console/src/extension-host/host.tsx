// Renders a card session: the remote tree, its alerts, and the failure state HubSpot shows.
import { Component, useSyncExternalStore, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import { createController, RemoteRenderer } from "@remote-ui/react/host";
import { CardSession, type CardOptions } from "./card-session";
import { componentMap } from "./component-map";
import { CardSessionContext } from "./components/card-scope";
import { CardFailure } from "./card-failure";
import { AlertBox } from "./components/feedback";
import { IframeModal } from "./components/overlays";
import "./styles.css";

const controller = createController(componentMap);

class HostBoundary extends Component<{ session: CardSession; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidCatch(error: unknown) {
    this.props.session.reportHostFailure(error);
  }
  override render() {
    return this.state.failed ? null : this.props.children;
  }
}

export function CardView({ session }: { session: CardSession }) {
  const state = useSyncExternalStore(session.subscribe, () => session.snapshot);
  return (
    <div
      className="sx-root sx-card"
      data-trace-id={session.traceId}
      data-status={state.status}
      aria-busy={state.status === "loading"}
      // React events reach here from the card's portalled overlays too.
      onClickCapture={(event) => session.noteUserGesture(event.nativeEvent)}
    >
      {state.alerts.map((alert) => (
        <AlertBox key={alert.key} variant={alert.type ?? "info"} title={alert.title} onDismiss={() => session.dismissAlert(alert.key)}>
          {alert.message}
        </AlertBox>
      ))}
      {state.status === "failed" ? (
        <CardFailure session={session} failure={state.failure} />
      ) : (
        <CardSessionContext.Provider value={session}>
          <HostBoundary session={session}>
            <RemoteRenderer receiver={session.receiver} controller={controller} />
          </HostBoundary>
        </CardSessionContext.Provider>
      )}
      {state.status === "loading" ? (
        <div className="sx-spinner" role="status">
          <span className="sx-spinner__wheel sx-spinner__wheel--sm" aria-hidden="true" />
          <span className="sx-visually-hidden">Loading card</span>
        </div>
      ) : null}
      {state.iframeModal ? <IframeModal request={state.iframeModal} onClose={() => session.closeIframeModal()} /> : null}
    </div>
  );
}

export interface MountedCard {
  traceId: string;
  /** The span of the card's render, the parent of every call it makes. */
  renderSpanId: string;
  /** Resolves once the card has rendered; rejects (with `traceId`) if it failed to load. */
  ready: Promise<void>;
  /** Re-reads CRM properties for the card, e.g. after the record was edited. */
  refreshProperties(): Promise<void>;
  unmount(): void;
}

/** Runs a card bundle in its own worker and renders it into `element`. */
export function mountCard(element: Element, options: CardOptions): MountedCard {
  if (!(element instanceof Element)) throw new TypeError("Cannot mount card: element must be a DOM element");
  const session = new CardSession(options);
  const root = createRoot(element);
  root.render(<CardView session={session} />);
  return {
    traceId: session.traceId,
    renderSpanId: session.renderSpanId,
    ready: session.ready,
    refreshProperties: () => session.refreshProperties(),
    unmount() {
      session.terminate();
      root.unmount();
    },
  };
}
