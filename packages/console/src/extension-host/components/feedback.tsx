// Feedback: Alert, EmptyState, ErrorState, LoadingSpinner, ProgressBar, ScoreCircle, StepIndicator.
import { cx, fire, size, type RemoteProps } from "./primitives";

const alertVariants = new Set(["info", "warning", "success", "error", "danger", "tip"]);

export function AlertBox({ title, variant, children, onDismiss }: RemoteProps & { onDismiss?: () => void }) {
  const kind = alertVariants.has(variant) ? (variant === "error" ? "danger" : variant) : "info";
  return (
    <div className={cx("sx-alert", `sx-alert--${kind}`)} role={kind === "danger" || kind === "warning" ? "alert" : "status"}>
      <div className="sx-alert__content">
        {title ? <strong className="sx-alert__title">{title}</strong> : null}
        {children ? <div>{children}</div> : null}
      </div>
      {onDismiss ? (
        <button type="button" className="sx-overlay__close" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      ) : null}
    </div>
  );
}

function LoadingSpinner({ label, showLabel, size: spinnerSize, layout }: RemoteProps) {
  return (
    <div className={cx("sx-spinner", layout === "centered" && "sx-spinner--centered")} role="status" aria-live="polite">
      <span className={cx("sx-spinner__wheel", `sx-spinner__wheel--${size(spinnerSize, "sm")}`)} aria-hidden="true" />
      <span className={showLabel ? "sx-spinner__label" : "sx-visually-hidden"}>{label ?? "Loading"}</span>
    </div>
  );
}

function ProgressBar(props: RemoteProps) {
  const max = Number(props.maxValue ?? props.valueMax ?? 100) || 100;
  const value = Math.min(Math.max(Number(props.value ?? 0), 0), max);
  const percent = Math.round((value / max) * 100);
  return (
    <div className="sx-progress">
      {props.title || props.showPercentage ? (
        <div className="sx-progress__header">
          <span>{props.title}</span>
          {props.showPercentage ? <span>{percent}%</span> : null}
        </div>
      ) : null}
      <div
        role="progressbar"
        aria-label={props["aria-label"] ?? props.title ?? "Progress"}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={value}
        aria-valuetext={props.valueDescription}
        className={cx("sx-progress__track", props.variant && `sx-progress--${props.variant}`)}
      >
        <div className="sx-progress__fill" style={{ width: `${percent}%` }} />
      </div>
      {props.valueDescription ? <div className="sx-text sx-text--micro">{props.valueDescription}</div> : null}
    </div>
  );
}

function ScoreCircle({ score }: RemoteProps) {
  const value = Math.min(Math.max(Number(score) || 0, 0), 100);
  const tone = value >= 70 ? "success" : value >= 40 ? "warning" : "danger";
  return (
    <div
      className={cx("sx-score", `sx-score--${tone}`)}
      role="img"
      aria-label={`Score ${value} out of 100`}
      style={{ ["--sx-score" as string]: `${value}%` }}
    >
      <span aria-hidden="true">{value}</span>
    </div>
  );
}

function StepIndicator({ stepNames, currentStep = 0, direction, onClick }: RemoteProps) {
  const steps: string[] = Array.isArray(stepNames) ? stepNames : [];
  return (
    <ol className={cx("sx-steps", direction === "vertical" && "sx-steps--vertical")}>
      {steps.map((name, index) => {
        const state = index < currentStep ? "done" : index === currentStep ? "current" : "todo";
        const label = (
          <>
            <span className="sx-steps__marker" aria-hidden="true">
              {state === "done" ? "✓" : index + 1}
            </span>
            <span>{name}</span>
          </>
        );
        return (
          <li
            key={index}
            className={cx("sx-steps__step", `sx-steps__step--${state}`)}
            aria-current={state === "current" ? "step" : undefined}
          >
            {onClick ? (
              <button type="button" className="sx-steps__button" onClick={() => fire(onClick, index)}>
                {label}
              </button>
            ) : (
              label
            )}
          </li>
        );
      })}
    </ol>
  );
}

function StateBlock({ title, children, kind, layout, flush }: RemoteProps & { kind: string }) {
  return (
    <div className={cx("sx-state", `sx-state--${kind}`, layout === "horizontal" && "sx-state--horizontal", flush && "sx-state--flush")}>
      <div className="sx-state__art" aria-hidden="true">
        {kind === "error" ? "!" : kind === "lock" ? "🔒" : "∅"}
      </div>
      <div>
        {title ? <h3 className="sx-heading">{title}</h3> : null}
        <div>{children}</div>
      </div>
    </div>
  );
}

export const feedbackComponents = {
  Alert: (props: RemoteProps) => <AlertBox {...props} />,
  EmptyState: (props: RemoteProps) => <StateBlock {...props} kind="empty" title={props.title ?? "All is not lost."} />,
  ErrorState: (props: RemoteProps) => (
    <StateBlock {...props} kind={props.type === "lock" ? "lock" : "error"} title={props.title ?? "Something went wrong."} />
  ),
  LoadingSpinner,
  ProgressBar,
  ScoreCircle,
  StepIndicator,
};
