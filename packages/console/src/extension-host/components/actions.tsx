// Actions: Button, LoadingButton, ButtonRow, Dropdown and the app home / app page header components.
import { Children, useId, useRef, useState, type ReactNode } from "react";
import { useOverlayTrigger } from "./overlays";
import { textComponents } from "./text";
import { useCardSession } from "./card-scope";
import { cx, extensionEvent, fire, hrefOf, safeUrl, size, spacingStyle, type RemoteProps } from "./primitives";

function Button(props: RemoteProps) {
  const { onClick, href, disabled, variant = "secondary", type = "button", overlay, children } = props;
  const { trigger, rendered } = useOverlayTrigger(overlay, onClick);
  const className = cx("sx-button", `sx-button--${variant}`, `sx-button--${size(props.size, "md")}`, props.truncate && "sx-text--truncate");
  const url = safeUrl(hrefOf(href)?.url);
  const content = (
    <>
      {props.loading ? <span className="sx-spinner__wheel sx-spinner__wheel--xs" aria-hidden="true" /> : null}
      {children}
    </>
  );
  return (
    <>
      {url && !disabled ? (
        <a
          className={className}
          href={url}
          target="_blank"
          rel="noopener noreferrer"
          style={spacingStyle(props)}
          onClick={() => onClick && trigger(extensionEvent("click"))}
        >
          {content}
        </a>
      ) : (
        <button
          type={type === "submit" || type === "reset" ? type : "button"}
          className={className}
          disabled={Boolean(disabled) || Boolean(props.loading)}
          aria-busy={props.loading ? true : undefined}
          style={spacingStyle(props)}
          onClick={() => trigger(extensionEvent("click"))}
        >
          {content}
        </button>
      )}
      {rendered}
    </>
  );
}

function ButtonRow({ children, ...props }: RemoteProps) {
  return (
    <div className="sx-button-row" role="group" style={spacingStyle(props)}>
      {children}
    </div>
  );
}

function Dropdown({ options, variant = "secondary", buttonText = "More", buttonSize, disabled, children }: RemoteProps) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const items: { label: string; onClick?: () => void }[] = Array.isArray(options) ? options : [];
  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  return (
    <div className="sx-dropdown" onKeyDown={(event) => event.key === "Escape" && close()}>
      <button
        ref={toggle}
        type="button"
        className={cx("sx-button", `sx-button--${variant}`, `sx-button--${size(buttonSize, "md")}`)}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        disabled={Boolean(disabled)}
        onClick={() => setOpen(!open)}
      >
        {buttonText} <span aria-hidden="true">▾</span>
      </button>
      {/* Kept mounted while hidden so an item's overlay survives the menu closing. */}
      <div
        id={menuId}
        role="menu"
        className="sx-dropdown__menu"
        hidden={!open}
        onClick={(event) => (event.target as HTMLElement).closest("[role=menuitem]") && setOpen(false)}
      >
        {items.map((item, index) => (
          <button key={index} type="button" role="menuitem" className="sx-dropdown__item" onClick={() => fire(item.onClick)}>
            {item.label}
          </button>
        ))}
        {children}
      </div>
    </div>
  );
}

function DropdownButtonItem({ onClick, overlay, children }: RemoteProps) {
  const { trigger, rendered } = useOverlayTrigger(overlay, onClick);
  return (
    <>
      <button type="button" role="menuitem" className="sx-dropdown__item" onClick={() => trigger(extensionEvent("click"))}>
        {children}
      </button>
      {rendered}
    </>
  );
}

function PageLink({ to, params, children }: RemoteProps) {
  const session = useCardSession();
  const target = typeof to === "string" ? to : "/";
  return (
    <a
      className="sx-link"
      href={safeUrl(target)}
      onClick={(event) => {
        event.preventDefault();
        session.navigate({ to: target, params });
      }}
    >
      {children}
    </a>
  );
}

function PageBreadcrumbs({ children }: RemoteProps) {
  return (
    <nav aria-label="Breadcrumb" className="sx-breadcrumbs">
      <ol>
        {Children.map(children, (child: ReactNode) => (
          <li>{child}</li>
        ))}
      </ol>
    </nav>
  );
}

export const actionComponents = {
  Button,
  ExperimentalButton: Button,
  LoadingButton: Button,
  ExperimentalLoadingButton: Button,
  ButtonRow,
  ExperimentalButtonRow: ButtonRow,
  Dropdown,
  DropdownButtonItem,
  HeaderActions: ({ children }: RemoteProps) => (
    <div className="sx-header-actions" role="group" aria-label="Page actions">
      {children}
    </div>
  ),
  PrimaryHeaderActionButton: (props: RemoteProps) => <Button {...props} variant="primary" />,
  SecondaryHeaderActionButton: (props: RemoteProps) => <Button {...props} variant="secondary" />,
  PageHeader: ({ children }: RemoteProps) => <header className="sx-page-header">{children}</header>,
  PageHeaderPrimaryAction: ({ children }: RemoteProps) => <div className="sx-page-header__primary">{children}</div>,
  PageHeaderSecondaryActions: ({ children }: RemoteProps) => <div className="sx-page-header__secondary">{children}</div>,
  PageHeaderLink: textComponents.Link,
  PageHeaderPageLink: PageLink,
  PageBreadcrumbs,
  PageBreadcrumbsPageLink: PageLink,
  PageBreadcrumbsCurrent: ({ children }: RemoteProps) => <span aria-current="page">{children}</span>,
  PageLink,
  PageTitle: ({ children }: RemoteProps) => <h1 className="sx-page-title">{children}</h1>,
};
