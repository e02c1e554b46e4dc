/**
 * How kubectl reports errors (`pkg/cmd/util/helpers.go` checkErr / StandardErrorMessage):
 *
 *   Error from server (NotFound): pods "foo" not found
 *   The Pod "Foo_Bar" is invalid: metadata.name: Invalid value: "Foo_Bar": ...
 *   The Service "web" is invalid: \n* spec.ports[0].port: ...\n* ...
 *   error: You must be logged in to the server (Unauthorized)
 *   error: the server doesn't have a resource type "foos"
 */
import type { Status } from '../api/types.ts';

/** An API error as client-go returns it: the Status from the response body. */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? '');
  }
}

/** A plain error message; `error: ` is prefixed unless already there (or `raw`). */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly raw = false,
  ) {
    super(message);
  }
}

/** Several errors printed one per line (utilerrors.Aggregate → MultipleErrors). */
export class ErrorList extends Error {
  constructor(readonly errors: Error[]) {
    super(errors.map((e) => e.message).join(', '));
  }
}

/** StandardErrorMessage: the text for an API status error (and connection errors). */
export function standardErrorMessage(err: Error): string | undefined {
  if (err instanceof StatusError) {
    const s = err.status;
    if (s.reason === 'Unauthorized') return `error: You must be logged in to the server (${s.message ?? ''})`;
    if (s.reason) return `Error from server (${s.reason}): ${s.message ?? ''}`;
    return `Error from server: ${s.message ?? ''}`;
  }
  return undefined;
}

function messageForError(err: Error): string {
  return standardErrorMessage(err) ?? err.message;
}

/** The Invalid rendering: one cause on the line, several as `* field: message` lines. */
function invalidMessage(s: Status): string {
  const d = s.details;
  let msg = 'The request is invalid';
  if (!d) return `${msg}\n`;
  if (d.kind || d.name) msg = `The ${d.kind ?? ''} ${JSON.stringify(d.name ?? '')} is invalid`;
  const causes: string[] = [];
  for (const c of d.causes ?? []) {
    const m = `${c.field}: ${c.message}`;
    if (!causes.includes(m)) causes.push(m);
  }
  if (causes.length === 0) return `${msg}\n`;
  if (causes.length === 1) return `${msg}: ${causes[0]}\n`;
  return `${msg}: \n${causes.map((c) => `* ${c}\n`).join('')}`;
}

/** The stderr text kubectl prints for an error (always newline-terminated), and its exit code. */
export function renderError(input: Error): { text: string; exitCode: number } {
  let err = input;
  if (err instanceof ErrorList && err.errors.length === 1) err = err.errors[0] as Error;
  const done = (msg: string, exitCode = 1) => ({ text: msg === '' || msg.endsWith('\n') ? msg : `${msg}\n`, exitCode });
  if (err instanceof StatusError && err.status.reason === 'Invalid') return done(invalidMessage(err.status));
  if (err instanceof ErrorList) return done(err.errors.map((e) => `${messageForError(e)}\n`).join(''));
  if (err instanceof CommandError) {
    if (err.raw) return done(err.message, err.exitCode);
    return done(err.message.startsWith('error: ') ? err.message : `error: ${err.message}`, err.exitCode);
  }
  const std = standardErrorMessage(err);
  if (std !== undefined) return done(std);
  const msg = err.message;
  return done(msg.startsWith('error: ') ? msg : `error: ${msg}`);
}
