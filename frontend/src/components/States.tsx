// Empty, loading and error states: each says what is going on and what to do.
import type { ReactNode } from "react";
import type { ApiError } from "../api/client";

export function Loading({ label, height = 160 }: { label: string; height?: number }) {
  return (
    <div className="state state-loading" style={{ minHeight: height }} role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function Empty({ title, children, height = 160 }: { title: string; children?: ReactNode; height?: number }) {
  return (
    <div className="state state-empty" style={{ minHeight: height }} data-testid="empty">
      <strong>{title}</strong>
      {children ? <div className="muted">{children}</div> : null}
    </div>
  );
}

export function ErrorState({ error, what, onRetry, height = 160 }: { error: ApiError; what: string; onRetry?: () => void; height?: number }) {
  const reason =
    error.status === 0
      ? "The satmon API does not answer. Is `satmon up` (or the operation server) running?"
      : error.status === 503
        ? `A service the API needs is down${error.service ? `: ${error.service}` : ""}.`
        : error.message;
  return (
    <div className="state state-error" style={{ minHeight: height }} role="alert">
      <strong>Could not load {what}</strong>
      <div>{reason}</div>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
