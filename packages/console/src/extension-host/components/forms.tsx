// Forms: every input is a real labelled control. onInput fires as the user types, onChange when the
// value is committed (blur, or immediately for choices), as in HubSpot's components.
import { useId, type FormEvent } from "react";
import { cx, extensionEvent, Field, fire, spacingStyle, useLocalValue, type RemoteProps } from "./primitives";

function Form({ onSubmit, autoComplete, children }: RemoteProps) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    // A card never navigates the console away.
    event.preventDefault();
    const values: Record<string, string> = {};
    new FormData(event.currentTarget).forEach((value, key) => {
      if (typeof value === "string") values[key] = value;
    });
    fire(onSubmit, extensionEvent("submit", values));
  };
  return (
    <form className="sx-form" autoComplete={autoComplete} onSubmit={submit} noValidate>
      {children}
    </form>
  );
}

function TextInput(props: RemoteProps & { multiline?: boolean; kind?: string }) {
  const { name, placeholder, readOnly, required, onInput, onChange, onBlur, onFocus, multiline } = props;
  const [value, setValue] = useLocalValue<string>(props.value, props.defaultValue ?? "");
  return (
    <Field {...props}>
      {({ inputId, describedBy, invalid }) => {
        const common = {
          id: inputId,
          name,
          value,
          placeholder,
          readOnly: Boolean(readOnly),
          required: Boolean(required),
          "aria-invalid": invalid || undefined,
          "aria-describedby": describedBy,
          className: cx("sx-input", multiline && "sx-textarea"),
          style: spacingStyle(props),
          onFocus: () => fire(onFocus, value),
          onBlur: () => {
            fire(onChange, value);
            fire(onBlur, value);
          },
        };
        const input = (next: string) => {
          setValue(next);
          fire(onInput, next);
        };
        return multiline ? (
          <textarea
            {...common}
            rows={props.rows}
            cols={props.cols}
            maxLength={props.maxLength}
            style={{ ...common.style, resize: props.resize }}
            onChange={(event) => input(event.target.value)}
          />
        ) : (
          <input
            {...common}
            type={props.kind ?? (props.type === "password" ? "password" : "text")}
            onChange={(event) => input(event.target.value)}
          />
        );
      }}
    </Field>
  );
}

function NumberField(props: RemoteProps & { stepper?: boolean; currency?: string }) {
  const { name, min, max, precision, readOnly, required, onInput, onChange, onBlur, onFocus } = props;
  const [value, setValue] = useLocalValue<number | "">(props.value, props.defaultValue ?? "");
  const step = props.stepSize ?? (typeof precision === "number" ? 10 ** -precision : "any");
  const clamp = (n: number) => Math.min(max ?? Infinity, Math.max(min ?? -Infinity, n));
  const commit = (next: number) => {
    setValue(next);
    fire(onChange, next);
  };
  return (
    <Field {...props}>
      {({ inputId, describedBy, invalid }) => (
        <div className="sx-number">
          {props.currency ? (
            <span className="sx-number__affix" aria-hidden="true">
              {props.currency}
            </span>
          ) : null}
          {props.stepper ? (
            <button
              type="button"
              className="sx-button sx-button--secondary sx-button--sm"
              aria-label="Decrease"
              disabled={readOnly}
              onClick={() => commit(clamp(Number(value || 0) - Number(props.stepSize ?? 1)))}
            >
              −
            </button>
          ) : null}
          <input
            id={inputId}
            name={name}
            type="number"
            inputMode="decimal"
            className="sx-input"
            value={value}
            min={min}
            max={max}
            step={step}
            readOnly={Boolean(readOnly)}
            required={Boolean(required)}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
            style={{ textAlign: props.textAlign, ...spacingStyle(props) }}
            onFocus={() => fire(onFocus, value)}
            onChange={(event) => {
              const next = event.target.value === "" ? "" : Number(event.target.value);
              setValue(next);
              if (next !== "") fire(onInput, next);
            }}
            onBlur={() => {
              if (value !== "") fire(onChange, value);
              fire(onBlur, value);
            }}
          />
          {props.formatStyle === "percentage" ? (
            <span className="sx-number__affix" aria-hidden="true">
              %
            </span>
          ) : null}
          {props.stepper ? (
            <button
              type="button"
              className="sx-button sx-button--secondary sx-button--sm"
              aria-label="Increase"
              disabled={readOnly}
              onClick={() => commit(clamp(Number(value || 0) + Number(props.stepSize ?? 1)))}
            >
              +
            </button>
          ) : null}
        </div>
      )}
    </Field>
  );
}

type BaseDate = { year: number; month: number; date: number };
const pad = (n: number) => String(n).padStart(2, "0");
const dateText = (d: BaseDate | null | undefined) =>
  d && typeof d.year === "number" ? `${d.year}-${pad(d.month + 1)}-${pad(d.date)}` : "";
function parseDate(text: string): (BaseDate & { formattedDate: string }) | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return match ? { year: Number(match[1]), month: Number(match[2]) - 1, date: Number(match[3]), formattedDate: text } : null;
}

function DateInput(props: RemoteProps) {
  const [value, setValue] = useLocalValue<string>(
    props.value === undefined ? undefined : dateText(props.value),
    dateText(props.defaultValue),
  );
  return (
    <Field {...props}>
      {({ inputId, describedBy, invalid }) => (
        <input
          id={inputId}
          name={props.name}
          type="date"
          className="sx-input"
          value={value}
          min={dateText(props.min) || undefined}
          max={dateText(props.max) || undefined}
          readOnly={Boolean(props.readOnly)}
          required={Boolean(props.required)}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          style={spacingStyle(props)}
          onFocus={() => fire(props.onFocus, parseDate(value))}
          onChange={(event) => {
            setValue(event.target.value);
            fire(props.onChange, parseDate(event.target.value));
          }}
          onBlur={() => fire(props.onBlur, parseDate(value))}
        />
      )}
    </Field>
  );
}

type BaseTime = { hours: number; minutes: number };
const timeText = (t: BaseTime | null | undefined) => (t && typeof t.hours === "number" ? `${pad(t.hours)}:${pad(t.minutes)}` : "");
const parseTime = (text: string): BaseTime | null => {
  const match = /^(\d{2}):(\d{2})/.exec(text);
  return match ? { hours: Number(match[1]), minutes: Number(match[2]) } : null;
};

function TimeInput(props: RemoteProps) {
  const [value, setValue] = useLocalValue<string>(
    props.value === undefined ? undefined : timeText(props.value),
    timeText(props.defaultValue),
  );
  return (
    <Field {...props}>
      {({ inputId, describedBy, invalid }) => (
        <input
          id={inputId}
          name={props.name}
          type="time"
          className="sx-input"
          value={value}
          step={typeof props.interval === "number" ? props.interval * 60 : undefined}
          min={timeText(props.min) || undefined}
          max={timeText(props.max) || undefined}
          readOnly={Boolean(props.readOnly)}
          required={Boolean(props.required)}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          style={spacingStyle(props)}
          onChange={(event) => {
            setValue(event.target.value);
            fire(props.onChange, parseTime(event.target.value));
          }}
          onBlur={() => fire(props.onBlur, parseTime(value))}
        />
      )}
    </Field>
  );
}

type Option = { label: string; value: string | number | boolean };
const optionsOf = (options: unknown): Option[] => (Array.isArray(options) ? options : []);

function Select(props: RemoteProps) {
  const options = optionsOf(props.options);
  const [value, setValue] = useLocalValue<unknown>(props.value, props.defaultValue);
  const index = options.findIndex((option) => option.value === value);
  return (
    <Field {...props}>
      {({ inputId, describedBy, invalid }) => (
        <select
          id={inputId}
          name={props.name}
          className={cx("sx-input", "sx-select", props.variant === "transparent" && "sx-select--transparent")}
          value={index === -1 ? "" : String(index)}
          disabled={Boolean(props.readOnly)}
          required={Boolean(props.required)}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          style={spacingStyle(props)}
          onChange={(event) => {
            const chosen = options[Number(event.target.value)];
            if (!chosen) return;
            setValue(chosen.value);
            fire(props.onChange, chosen.value);
          }}
        >
          <option value="" disabled>
            {props.placeholder ?? "Select an option"}
          </option>
          {options.map((option, i) => (
            <option key={i} value={String(i)}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function ChoiceList({
  legend,
  type,
  name,
  options,
  selected,
  onToggle,
  props,
}: {
  legend?: string;
  type: "checkbox" | "radio";
  name: string;
  options: { label: string; value: unknown; description?: string; readOnly?: boolean; readonly?: boolean }[];
  selected: (value: unknown) => boolean;
  onToggle: (value: unknown, checked: boolean) => void;
  props: RemoteProps;
}) {
  const id = useId();
  return (
    <fieldset
      className={cx("sx-choices", props.inline && "sx-choices--inline")}
      aria-invalid={props.error || undefined}
      style={spacingStyle(props)}
    >
      {legend ? (
        <legend className="sx-field__label">
          {legend}
          {props.required ? (
            <span aria-hidden="true" className="sx-field__required">
              {" "}
              *
            </span>
          ) : null}
        </legend>
      ) : null}
      {props.description ? <div className="sx-field__description">{props.description}</div> : null}
      {options.map((option, index) => (
        <label key={index} className="sx-choice" htmlFor={`${id}-${index}`}>
          <input
            id={`${id}-${index}`}
            type={type}
            name={name}
            value={String(option.value)}
            checked={selected(option.value)}
            disabled={Boolean(option.readOnly ?? option.readonly ?? props.readOnly)}
            onChange={(event) => onToggle(option.value, event.target.checked)}
          />
          <span>
            {option.label}
            {option.description ? <span className="sx-field__description">{option.description}</span> : null}
          </span>
        </label>
      ))}
      {props.validationMessage ? (
        <div className={cx("sx-field__message", props.error && "sx-field__message--error")}>{props.validationMessage}</div>
      ) : null}
    </fieldset>
  );
}

function MultiSelect(props: RemoteProps) {
  const [value, setValue] = useLocalValue<unknown[]>(props.value, props.defaultValue ?? []);
  return (
    <ChoiceList
      legend={props.label}
      type="checkbox"
      name={props.name ?? ""}
      options={optionsOf(props.options)}
      selected={(v) => value.includes(v)}
      onToggle={(v, checked) => {
        const next = checked ? [...value, v] : value.filter((item) => item !== v);
        setValue(next);
        fire(props.onChange, next);
      }}
      props={props}
    />
  );
}

function ToggleGroup(props: RemoteProps) {
  const radio = props.toggleType === "radioButtonList";
  const initial = optionsOf(props.options)
    .filter((o) => (o as { initialIsChecked?: boolean }).initialIsChecked)
    .map((o) => o.value);
  const [value, setValue] = useLocalValue<unknown>(props.value, radio ? initial[0] : initial);
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return (
    <ChoiceList
      legend={props.label}
      type={radio ? "radio" : "checkbox"}
      name={props.name ?? ""}
      options={optionsOf(props.options)}
      selected={(v) => list.includes(v)}
      onToggle={(v, checked) => {
        const next = radio ? v : checked ? [...list, v] : list.filter((item) => item !== v);
        setValue(next);
        fire(props.onChange, next);
      }}
      props={props}
    />
  );
}

function CheckInput(props: RemoteProps & { kind: "checkbox" | "radio" }) {
  const [checked, setChecked] = useLocalValue<boolean>(props.checked, Boolean(props.initialIsChecked));
  const id = useId();
  return (
    <label className={cx("sx-choice", props.inline && "sx-choice--inline")} htmlFor={id} style={spacingStyle(props)}>
      <input
        id={id}
        type={props.kind}
        name={props.name}
        value={props.value}
        checked={checked}
        aria-label={props["aria-label"]}
        disabled={Boolean(props.readOnly ?? props.readonly)}
        onChange={(event) => {
          setChecked(event.target.checked);
          fire(props.onChange, event.target.checked, props.value ?? "");
        }}
      />
      <span>
        {props.children}
        {props.description ? <span className="sx-field__description">{props.description}</span> : null}
      </span>
    </label>
  );
}

function Toggle(props: RemoteProps) {
  const [checked, setChecked] = useLocalValue<boolean>(props.checked, Boolean(props.initialIsChecked));
  const id = useId();
  return (
    <div className={cx("sx-toggle", props.labelDisplay === "top" && "sx-toggle--top")} style={spacingStyle(props)}>
      <label htmlFor={id} className={props.labelDisplay === "hidden" ? "sx-visually-hidden" : "sx-field__label"}>
        {props.label}
      </label>
      <button
        id={id}
        type="button"
        role="switch"
        aria-checked={checked}
        disabled={Boolean(props.readOnly ?? props.readonly)}
        className="sx-toggle__switch"
        onClick={() => {
          setChecked(!checked);
          fire(props.onChange, !checked);
        }}
      >
        <span className="sx-toggle__knob" aria-hidden="true" />
      </button>
      {props.textChecked || props.textUnchecked ? (
        <span className="sx-text sx-text--micro">{checked ? props.textChecked : props.textUnchecked}</span>
      ) : null}
    </div>
  );
}

/** Sprocket has no file manager yet: the card learns the chosen files' names, sizes and types. */
function FileField(props: RemoteProps & { multiple?: boolean }) {
  return (
    <Field label={props.label ?? "File"} {...props}>
      {({ inputId, describedBy }) => (
        <input
          id={inputId}
          type="file"
          name={props.name}
          multiple={props.multiple}
          className="sx-input"
          aria-describedby={describedBy}
          onChange={(event) => {
            const files = Array.from(event.target.files ?? [], (file) => ({ name: file.name, size: file.size, type: file.type }));
            fire(props.onChange, props.multiple ? files : { target: { files } });
          }}
        />
      )}
    </Field>
  );
}

function SettingsView({ children, saveBarVisible, numberOfSettingsChanged, onSave, onCancel }: RemoteProps) {
  return (
    <div className="sx-settings">
      {children}
      {saveBarVisible ? (
        <div className="sx-settings__bar" role="region" aria-label="Unsaved changes">
          <span>{numberOfSettingsChanged ? `${numberOfSettingsChanged} unsaved changes` : "Unsaved changes"}</span>
          <button
            type="button"
            className="sx-button sx-button--secondary sx-button--md"
            onClick={() => fire(onCancel, extensionEvent("click"))}
          >
            Cancel
          </button>
          <button
            type="button"
            className="sx-button sx-button--primary sx-button--md"
            onClick={() => fire(onSave, extensionEvent("click"))}
          >
            Save
          </button>
        </div>
      ) : null}
    </div>
  );
}

const Input = (props: RemoteProps) => <TextInput {...props} />;
const TextArea = (props: RemoteProps) => <TextInput {...props} multiline />;
const NumberInput = (props: RemoteProps) => <NumberField {...props} />;
const CurrencyInput = (props: RemoteProps) => <NumberField {...props} currency={props.currency ?? "USD"} />;
const StepperInput = (props: RemoteProps) => <NumberField {...props} stepper />;
const SearchInput = (props: RemoteProps) => <TextInput {...props} kind="search" />;
const Checkbox = (props: RemoteProps) => <CheckInput {...props} kind="checkbox" />;
const RadioButton = (props: RemoteProps) => <CheckInput {...props} kind="radio" />;

export const formComponents = {
  Form,
  Input,
  ExperimentalInput: Input,
  TextArea,
  Textarea: TextArea,
  ExperimentalTextArea: TextArea,
  NumberInput,
  ExperimentalNumberInput: NumberInput,
  CurrencyInput,
  ExperimentalCurrencyInput: CurrencyInput,
  StepperInput,
  ExperimentalStepperInput: StepperInput,
  DateInput,
  ExperimentalDateInput: DateInput,
  TimeInput,
  ExperimentalTimeInput: TimeInput,
  SearchInput,
  ExperimentalSearchInput: SearchInput,
  Select,
  ExperimentalSelect: Select,
  MultiSelect,
  ExperimentalMultiSelect: MultiSelect,
  Checkbox,
  ExperimentalCheckbox: Checkbox,
  RadioButton,
  ExperimentalRadioButton: RadioButton,
  ToggleGroup,
  Toggle,
  ExperimentalToggle: Toggle,
  FileInput: (props: RemoteProps) => <FileField {...props} />,
  FileUpload: (props: RemoteProps) => <FileField {...props} multiple />,
  SettingsView,
};
