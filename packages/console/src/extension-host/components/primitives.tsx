// Small building blocks shared by the component map: safe calls into the card, sizes, fields, links.
import { useEffect, useId, useState, type ReactNode } from "react";
import { callQuietly } from "../card-session";

export { callQuietly as fire };

/** Props arrive from an untrusted card: every field is optional and loosely typed. */
export type RemoteProps = { children?: ReactNode; [prop: string]: any };

const sizeAliases: Record<string, string> = {
  "extra-small": "xs",
  small: "sm",
  medium: "md",
  large: "lg",
  "extra-large": "xl",
};

/** 'small' | 'sm' → 'sm'; 'flush' stays; anything else falls back. */
export function size(value: unknown, fallback = "md"): string {
  if (typeof value !== "string") return fallback;
  const short = sizeAliases[value] ?? value;
  return ["flush", "xs", "sm", "md", "lg", "xl"].includes(short) ? short : fallback;
}

export const cx = (...names: (string | false | null | undefined)[]) => names.filter(Boolean).join(" ");

export function hrefOf(href: unknown): { url: string; external: boolean } | undefined {
  if (typeof href === "string" && href) return { url: href, external: /^https?:/i.test(href) };
  if (href && typeof href === "object" && typeof (href as { url?: unknown }).url === "string") {
    const { url, external } = href as { url: string; external?: boolean };
    return { url, external: external ?? /^https?:/i.test(url) };
  }
  return undefined;
}

/** Only http(s), mailto and tel links reach the page: a card must not run `javascript:` URLs there. */
export function safeUrl(url: string | undefined, { image = false } = {}): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url, location.href);
    if (image && parsed.protocol === "data:" && /^data:image\//i.test(url)) return url;
    return ["http:", "https:", "mailto:", "tel:"].includes(parsed.protocol) ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** The serialisable event HubSpot hands to onClick and friends. */
export function extensionEvent(type: string, targetValue?: unknown) {
  return { type, bubbles: true, timeStamp: Date.now(), id: "", ...(targetValue !== undefined && { targetValue }) };
}

/** A controlled remote value with a local copy, so typing stays instant while the worker catches up. */
export function useLocalValue<T>(remote: T | undefined, initial: T): [T, (value: T) => void] {
  const [local, setLocal] = useState<T>(remote ?? initial);
  useEffect(() => {
    if (remote !== undefined) setLocal(remote);
  }, [remote]);
  return [local, setLocal];
}

export interface FieldProps {
  label?: string;
  description?: string;
  tooltip?: string;
  required?: boolean;
  error?: boolean;
  validationMessage?: string;
  /** Hides the label visually (it stays for screen readers). */
  hiddenLabel?: boolean;
  children: (ids: { inputId: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

export function Field({ label, description, tooltip, required, error, validationMessage, hiddenLabel, children }: FieldProps) {
  const inputId = useId();
  const descriptionId = `${inputId}-description`;
  const messageId = `${inputId}-message`;
  const invalid = Boolean(error);
  const describedBy = cx(description && descriptionId, validationMessage && messageId) || undefined;
  return (
    <div className={cx("sx-field", invalid && "sx-field--invalid")}>
      {label ? (
        <label htmlFor={inputId} className={cx("sx-field__label", hiddenLabel && "sx-visually-hidden")} title={tooltip}>
          {label}
          {required ? (
            <span aria-hidden="true" className="sx-field__required">
              {" "}
              *
            </span>
          ) : null}
        </label>
      ) : null}
      {description ? (
        <div id={descriptionId} className="sx-field__description">
          {description}
        </div>
      ) : null}
      {children({ inputId, describedBy, invalid })}
      {validationMessage ? (
        <div id={messageId} className={cx("sx-field__message", invalid && "sx-field__message--error")} role={invalid ? "alert" : undefined}>
          {validationMessage}
        </div>
      ) : null}
    </div>
  );
}

/** Inline spacing props of the Experimental* variants (padding*, margin*). */
export function spacingStyle(props: RemoteProps): React.CSSProperties {
  const space = (value: unknown) => (value === undefined ? undefined : `var(--sx-space-${size(value)})`);
  return {
    padding: space(props.padding),
    paddingInline: space(props.paddingInline),
    paddingBlock: space(props.paddingBlock),
    marginTop: space(props.marginTop),
    marginBottom: space(props.marginBottom),
    marginLeft: space(props.marginLeft),
    marginRight: space(props.marginRight),
  };
}
