// Modal and Panel open only through a Button/Link/Tag/Image `overlay` fragment prop, and close from
// their close button, Escape, or the card's `actions.closeOverlay(id)`.
import { useCallback, useContext, useEffect, useId, useMemo, useRef, useState, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { CardSessionContext, OverlayScopeContext, useCardSession } from "./card-scope";
import { cx, fire, safeUrl, size, type RemoteProps } from "./primitives";

/** Wires an `overlay` prop: returns the click handler and the overlay (rendered only while open). */
export function useOverlayTrigger(overlay: ReactNode, onClick?: (...args: unknown[]) => unknown) {
  const [open, setOpen] = useState(false);
  const session = useContext(CardSessionContext);
  const close = useCallback(() => setOpen(false), []);
  const reactions = useMemo(
    () => ({
      openModal: () => setOpen(true),
      openPanel: () => setOpen(true),
      closeModal: (id: string) => session?.closeOverlayById(id),
      closePanel: (id: string) => session?.closeOverlayById(id),
    }),
    [session],
  );
  const trigger = (event: unknown) => {
    if (overlay) setOpen(true);
    fire(onClick, event, reactions);
  };
  const scope = useMemo(() => ({ close }), [close]);
  const rendered = open && overlay ? <OverlayScopeContext.Provider value={scope}>{overlay}</OverlayScopeContext.Provider> : null;
  return { trigger, rendered, open };
}

function OverlayFrame({ kind, props }: { kind: "modal" | "panel"; props: RemoteProps }) {
  const scope = useContext(OverlayScopeContext);
  const session = useCardSession();
  const titleId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const { id, title, width, variant, onOpen, onClose, children } = props;

  const close = useCallback(() => {
    fire(onClose);
    scope?.close();
  }, [onClose, scope]);

  useEffect(() => {
    fire(onOpen);
    dialog.current?.focus();
    return typeof id === "string" ? session.registerOverlay(id, close) : undefined;
    // onOpen fires once per opening, not on every prop update.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, session]);

  if (!scope) return null;
  return createPortal(
    <div className="sx-root sx-backdrop" onClick={(event) => event.target === event.currentTarget && close()}>
      <div
        ref={dialog}
        role="dialog"
        aria-modal="true"
        aria-labelledby={title ? titleId : undefined}
        aria-label={title ? undefined : (props["aria-label"] ?? kind)}
        tabIndex={-1}
        className={cx(`sx-${kind}`, `sx-${kind}--${size(width, "md")}`, variant && `sx-${kind}--${variant}`)}
        onKeyDown={(event) => event.key === "Escape" && close()}
      >
        <header className="sx-overlay__header">
          {title ? (
            <h2 id={titleId} className="sx-overlay__title">
              {title}
            </h2>
          ) : (
            <span />
          )}
          <button type="button" className="sx-overlay__close" aria-label="Close" onClick={close}>
            ×
          </button>
        </header>
        {children}
      </div>
    </div>,
    document.body,
  );
}

export const overlayComponents = {
  Modal: (props: RemoteProps) => <OverlayFrame kind="modal" props={props} />,
  ModalBody: ({ children }: RemoteProps) => <div className="sx-overlay__body">{children}</div>,
  ModalFooter: ({ children }: RemoteProps) => <footer className="sx-overlay__footer">{children}</footer>,
  Panel: (props: RemoteProps) => <OverlayFrame kind="panel" props={props} />,
  PanelBody: ({ children }: RemoteProps) => <div className="sx-overlay__body">{children}</div>,
  PanelFooter: ({ children }: RemoteProps) => <footer className="sx-overlay__footer">{children}</footer>,
  PanelSection: ({ children, flush }: RemoteProps) => (
    <section className={cx("sx-panel__section", flush && "sx-panel__section--flush")}>{children}</section>
  ),
};

/** `actions.openIframeModal`: the page shows the URL (https, checked by the card session) in a sandboxed frame. */
export function IframeModal({
  request,
  onClose,
}: {
  request: { uri: string; width: number; height: number; title?: string; flush?: boolean };
  onClose: () => void;
}) {
  const titleId = useId();
  return createPortal(
    <div className="sx-root sx-backdrop" onClick={(event) => event.target === event.currentTarget && onClose()}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        className="sx-modal sx-modal--iframe"
        onKeyDown={(event) => event.key === "Escape" && onClose()}
      >
        <header className="sx-overlay__header">
          <h2 id={titleId} className="sx-overlay__title">
            {request.title ?? "Embedded page"}
          </h2>
          <button type="button" className="sx-overlay__close" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <iframe
          title={request.title ?? "Embedded page"}
          src={safeUrl(request.uri)}
          width={request.width}
          height={request.height}
          sandbox="allow-scripts allow-forms allow-popups"
          className={cx("sx-iframe", request.flush && "sx-iframe--flush")}
        />
      </div>
    </div>,
    document.body,
  );
}
