// Text and media: Text, Heading, Link, Image, Icon, Illustration, List, Tag, StatusTag, Tooltip, ExpandableText.
import { Children, useId, useState, type CSSProperties, type ReactNode } from "react";
import { useOverlayTrigger } from "./overlays";
import { cx, extensionEvent, fire, hrefOf, safeUrl, size, type RemoteProps } from "./primitives";

function textStyle(format: unknown): CSSProperties {
  if (!format || typeof format !== "object") return {};
  const { fontWeight, italic, lineDecoration, textTransform } = format as Record<string, unknown>;
  return {
    fontWeight: fontWeight === "bold" ? 700 : fontWeight === "demibold" ? 600 : undefined,
    fontStyle: italic ? "italic" : undefined,
    textDecoration: lineDecoration === "underline" ? "underline" : lineDecoration === "strikethrough" ? "line-through" : undefined,
    textTransform: textTransform === "sentenceCase" ? undefined : (textTransform as CSSProperties["textTransform"]),
  };
}

function Text({ variant, inline, format, truncate, children }: RemoteProps) {
  const Tag = inline ? "span" : "p";
  const maxWidth = typeof truncate === "object" && truncate ? truncate.maxWidth : undefined;
  return (
    <Tag
      className={cx("sx-text", variant === "microcopy" && "sx-text--micro", truncate && "sx-text--truncate")}
      style={{ ...textStyle(format), maxWidth }}
      title={typeof truncate === "object" && truncate ? truncate.tooltipText : undefined}
    >
      {children}
    </Tag>
  );
}

function Link({ href, variant, onClick, preventDefault, overlay, children }: RemoteProps) {
  const { trigger, rendered } = useOverlayTrigger(overlay, onClick);
  const target = hrefOf(href);
  const url = safeUrl(target?.url);
  const className = cx("sx-link", variant && `sx-link--${variant}`);
  if (!url) {
    return (
      <>
        <button type="button" className={cx(className, "sx-link--button")} onClick={() => trigger(extensionEvent("click"))}>
          {children}
        </button>
        {rendered}
      </>
    );
  }
  return (
    <>
      <a
        className={className}
        href={url}
        target={target?.external ? "_blank" : undefined}
        rel={target?.external ? "noopener noreferrer" : undefined}
        onClick={(event) => {
          if (preventDefault || overlay) event.preventDefault();
          if (onClick || overlay) trigger(extensionEvent("click"));
        }}
      >
        {children}
        {target?.external ? <span className="sx-visually-hidden"> (opens in a new tab)</span> : null}
      </a>
      {rendered}
    </>
  );
}

function Image({ src, alt, href, onClick, width, height, overlay }: RemoteProps) {
  const { trigger, rendered } = useOverlayTrigger(overlay, onClick);
  const url = safeUrl(hrefOf(href)?.url);
  const img = <img className="sx-image" src={safeUrl(src, { image: true })} alt={alt ?? ""} width={width} height={height} />;
  let content: ReactNode = img;
  if (url)
    content = (
      <a href={url} target="_blank" rel="noopener noreferrer">
        {img}
      </a>
    );
  else if (onClick || overlay)
    content = (
      <button type="button" className="sx-image-button" onClick={() => trigger(extensionEvent("click"))}>
        {img}
      </button>
    );
  return (
    <>
      {content}
      {rendered}
    </>
  );
}

const iconGlyphs: Record<string, string> = {
  add: "+",
  remove: "−",
  delete: "🗑",
  success: "✓",
  warning: "⚠",
  error: "✕",
  info: "ℹ",
  email: "✉",
  calling: "☎",
  calendar: "📅",
  search: "🔍",
  settings: "⚙",
  edit: "✎",
  copy: "⧉",
  star: "★",
  upCarat: "▲",
  downCarat: "▼",
  left: "←",
  right: "→",
  upload: "⤒",
  download: "⤓",
  link: "🔗",
  lock: "🔒",
  unlock: "🔓",
  refresh: "↻",
  home: "⌂",
};
const iconColors: Record<string, string> = { alert: "var(--sx-danger)", warning: "var(--sx-warning)", success: "var(--sx-success)" };

function Icon({ name, size: iconSize, color, screenReaderText }: RemoteProps) {
  return (
    <span
      className={cx("sx-icon", `sx-icon--${size(iconSize, "sm")}`)}
      style={{ color: iconColors[color] }}
      role={screenReaderText ? "img" : undefined}
      aria-label={screenReaderText}
      aria-hidden={screenReaderText ? undefined : true}
      data-icon={name}
    >
      {iconGlyphs[name] ?? "•"}
    </span>
  );
}

function Illustration({ name, alt, width, height }: RemoteProps) {
  return (
    <svg
      className="sx-illustration"
      role="img"
      aria-label={alt}
      width={width ?? 120}
      height={height ?? 90}
      viewBox="0 0 120 90"
      data-illustration={name}
    >
      <rect x="10" y="20" width="100" height="60" rx="8" fill="var(--sx-accent-soft)" />
      <circle cx="60" cy="35" r="18" fill="var(--sx-accent)" opacity="0.7" />
      <rect x="30" y="62" width="60" height="8" rx="4" fill="var(--sx-accent)" opacity="0.4" />
    </svg>
  );
}

function List({ variant = "unordered", children }: RemoteProps) {
  const Tag = String(variant).startsWith("ordered") ? "ol" : "ul";
  return (
    <Tag className={cx("sx-list", `sx-list--${variant}`)}>
      {Children.map(children, (child) => (
        <li>{child}</li>
      ))}
    </Tag>
  );
}

function Tag({ variant = "default", onClick, overlay, children }: RemoteProps) {
  const { trigger, rendered } = useOverlayTrigger(overlay, onClick);
  const className = cx("sx-tag", `sx-tag--${variant}`);
  return (
    <>
      {onClick || overlay ? (
        <button type="button" className={className} onClick={() => trigger(extensionEvent("click"))}>
          {children}
        </button>
      ) : (
        <span className={className}>{children}</span>
      )}
      {rendered}
    </>
  );
}

function StatusTag({ variant = "default", hollow, onClick, showRemoveIcon, onRemoveClick, children }: RemoteProps) {
  const content = (
    <>
      <span className={cx("sx-status__dot", hollow && "sx-status__dot--hollow")} aria-hidden="true" />
      {children}
    </>
  );
  return (
    <span className={cx("sx-status", `sx-status--${variant}`)}>
      {onClick ? (
        <button type="button" className="sx-status__button" onClick={() => fire(onClick)}>
          {content}
        </button>
      ) : (
        content
      )}
      {showRemoveIcon ? (
        <button type="button" className="sx-status__remove" aria-label="Remove" onClick={() => fire(onRemoveClick)}>
          ×
        </button>
      ) : null}
    </span>
  );
}

function Tooltip({ children }: RemoteProps) {
  // HubSpot attaches a Tooltip to the component it is passed to; on its own it is a hint text.
  return (
    <span role="tooltip" className="sx-tooltip">
      {children}
    </span>
  );
}

function ExpandableText({
  children,
  maxHeight = 100,
  expandButtonText = "Show more",
  collapseButtonText = "Show less",
  expanded,
}: RemoteProps) {
  const [open, setOpen] = useState(Boolean(expanded));
  const id = useId();
  return (
    <div className="sx-expandable">
      <div id={id} style={open ? undefined : { maxHeight, overflow: "hidden" }}>
        {children}
      </div>
      <button type="button" className="sx-link sx-link--button" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
        {open ? collapseButtonText : expandButtonText}
      </button>
    </div>
  );
}

export const textComponents = {
  Text,
  Heading: ({ children, inline }: RemoteProps) =>
    inline ? <span className="sx-heading sx-heading--inline">{children}</span> : <h3 className="sx-heading">{children}</h3>,
  Link,
  Image,
  Icon,
  Illustration,
  List,
  Tag,
  StatusTag,
  Tooltip,
  ExpandableText,
};
