// The portal's building blocks: labelled fields with their error beside them, buttons, status
// chips, progress bars, and the loading / empty / error states every screen shows.

import type { ButtonHTMLAttributes, ComponentChildren, HTMLInputTypeAttribute, PartialInputHTMLAttributes } from 'preact';
import { useId } from 'preact/hooks';
import { t, formatPercent } from '../lib/i18n';

export function PageHeader({ title, lead, actions }: { title: string; lead?: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <header class="page-header">
      <div>
        <h1>{title}</h1>
        {lead ? <p class="lead">{lead}</p> : null}
      </div>
      {actions ? <div class="actions">{actions}</div> : null}
    </header>
  );
}

export function Section({ title, children, actions, id }: { title: string; children: ComponentChildren; actions?: ComponentChildren; id?: string }) {
  const heading = useId();
  return (
    <section class="card" aria-labelledby={heading} id={id}>
      <div class="card-head">
        <h2 id={heading}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function Loading({ label }: { label?: string }) {
  return (
    <div class="loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {label ?? t('Loading…')}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

export function ErrorNote({ error, retry }: { error: Error | string | null | undefined; retry?: () => void }) {
  if (!error) return null;
  return (
    <div class="error-note" role="alert">
      <span>{typeof error === 'string' ? error : error.message}</span>
      {retry ? (
        <button type="button" class="button small secondary" onClick={retry}>
          {t('Try again')}
        </button>
      ) : null}
    </div>
  );
}

/** Loading, error and empty states around a query's data. */
export function Await<R>({ state, children }: { state: { data: R | undefined; error: Error | null; loading: boolean; reload: () => void }; children: (data: R) => ComponentChildren }) {
  if (state.data === undefined) {
    if (state.error) return <ErrorNote error={state.error} retry={state.reload} />;
    return <Loading />;
  }
  return (
    <>
      {state.error ? <ErrorNote error={state.error} retry={state.reload} /> : null}
      {children(state.data)}
    </>
  );
}

type InputProps = Omit<PartialInputHTMLAttributes<HTMLInputElement>, 'onInput' | 'value' | 'type' | 'role'>;

export function Field({ label, error, hint, children }: { label: string; error?: string; hint?: ComponentChildren; children: (props: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => ComponentChildren }) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described })}
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({ label, value, onValue, error, hint, type = 'text', ...rest }: { label: string; value: string; onValue: (v: string) => void; error?: string; hint?: ComponentChildren; type?: HTMLInputTypeAttribute } & InputProps) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(a) => <input {...(rest as Record<string, unknown>)} {...a} type={type as 'text'} value={value} onInput={(e) => onValue(e.currentTarget.value)} />}
    </Field>
  );
}

export function TextArea({ label, value, onValue, error, hint, rows = 4 }: { label: string; value: string; onValue: (v: string) => void; error?: string; hint?: ComponentChildren; rows?: number }) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(a) => <textarea {...a} rows={rows} value={value} onInput={(e) => onValue(e.currentTarget.value)} />}
    </Field>
  );
}

export function SelectField({ label, value, onValue, options, error, hint, placeholder }: { label: string; value: string; onValue: (v: string) => void; options: { value: string; label: string }[]; error?: string; hint?: ComponentChildren; placeholder?: string }) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(a) => (
        <select {...a} value={value} onChange={(e) => onValue(e.currentTarget.value)}>
          {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function Check({ label, checked, onChange, hint }: { label: string; checked: boolean; onChange: (v: boolean) => void; hint?: string }) {
  const id = useId();
  return (
    <div class="check-field">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} />
      <label for={id}>
        {label}
        {hint ? <span class="hint"> {hint}</span> : null}
      </label>
    </div>
  );
}

export function Button({ children, busy, variant = 'primary', small, ...rest }: { children: ComponentChildren; busy?: boolean; variant?: 'primary' | 'secondary' | 'danger' | 'ghost'; small?: boolean } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type="button" {...rest} class={`button ${variant}${small ? ' small' : ''}`} disabled={busy || (rest.disabled as boolean)} aria-busy={busy || undefined}>
      {children}
    </button>
  );
}

const STATUS_LABEL: Record<string, string> = {
  ACTIVE: 'Active',
  SUSPENDED: 'Suspended',
  EXPIRED: 'Expired',
  REVOKED: 'Revoked',
  DRAFT: 'Draft',
  PUBLISHED: 'Published',
  ARCHIVED: 'Archived',
  ACHIEVED: 'Achieved',
  ABANDONED: 'Abandoned',
  PENDING: 'Pending',
  SUCCEEDED: 'Delivered',
  FAILED: 'Failed',
  DONE: 'Done',
  RUNNING: 'Running',
};

export function Chip({ status, children }: { status?: string; children?: ComponentChildren }) {
  return <span class={`chip chip-${(status ?? 'neutral').toLowerCase()}`}>{children ?? t(STATUS_LABEL[status ?? ''] ?? status ?? '')}</span>;
}

export function Progress({ percent, label }: { percent: number; label: string }) {
  const value = Math.max(0, Math.min(100, percent));
  return (
    <div class="progress-wrap">
      <div class="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(value)}>
        <span style={{ width: `${value}%` }} />
      </div>
      <span class="progress-value">{formatPercent(value)}</span>
    </div>
  );
}

export function Level({ level, max = 5, label }: { level: number; max?: number; label?: string }) {
  return (
    <span class="level" role="img" aria-label={label ?? t('Level {level} of {max}', { level, max })}>
      {Array.from({ length: max }, (_, i) => (
        <span key={i} class={i < level ? 'on' : ''} />
      ))}
    </span>
  );
}

/** A polite live region for what just happened ("Saved", "Link copied"). */
export function Toast({ message }: { message: string | null }) {
  return (
    <div class="toast" role="status" aria-live="polite">
      {message}
    </div>
  );
}

export function FormErrors({ errors }: { errors: Record<string, string> }) {
  return errors[''] ? <ErrorNote error={errors['']} /> : null;
}
