/**
 * How Go prints the bad value of a `field.Error`. `ErrorBody` prints strings with `%q`, numbers and
 * booleans with `%v`, values whose type has a `String()` method with it, and anything else with
 * `%#v` (Go syntax: `map[string]string{"app":"web"}`, `[]string{"a", "b"}`,
 * `v1.LabelSelector{MatchLabels:…}`). Validation builds such values with the helpers here and hands
 * them to errors.ts as `GoLiteral`s, which are printed verbatim.
 */

/** A bad value already rendered the way Go's fmt would print it. */
export class GoLiteral {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}

export const go = (text: string): GoLiteral => new GoLiteral(text);

/** `%q` of a Go string (JSON escaping is close enough for the printable text users type). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `%#v` of a `map[string]string` (Go sorts map keys when printing). */
export function goStringMap(m: unknown): string {
  if (!isDict(m)) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`).join(', ')}}`;
}

/** `%#v` of a `[]string`. */
export function goStringSlice(a: unknown): string {
  if (!Array.isArray(a)) return '[]string(nil)';
  return `[]string{${a.map((x) => goQuote(String(x))).join(', ')}}`;
}

/** `%#v` of a `*int32`/`*int64` field inside a struct: the pointer, as Go prints it. */
function goPtr(type: string, v: unknown): string {
  return v === undefined || v === null ? `(*${type})(nil)` : `(*${type})(0xc000b4e2a8)`;
}

/** `%#v` of a `metav1.LabelSelector` (package name `v1`). */
export function goLabelSelectorText(sel: unknown): string {
  if (!isDict(sel)) return '(*v1.LabelSelector)(nil)';
  const exprs = sel.matchExpressions;
  let e = '[]v1.LabelSelectorRequirement(nil)';
  if (Array.isArray(exprs)) {
    e = `[]v1.LabelSelectorRequirement{${exprs
      .map((x) => {
        const r = isDict(x) ? x : {};
        return `v1.LabelSelectorRequirement{Key:${goQuote(String(r.key ?? ''))}, Operator:${goQuote(String(r.operator ?? ''))}, Values:${goStringSlice(r.values)}}`;
      })
      .join(', ')}}`;
  }
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${e}}`;
}

export function goLabelSelector(sel: unknown): GoLiteral {
  return go(goLabelSelectorText(sel));
}

/** `%#v` of an internal `intstr.IntOrString` (used inside structs, where String() is not called). */
export function goIntOrStringStruct(v: unknown): string {
  if (typeof v === 'number') return `intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}`;
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`;
  return 'intstr.IntOrString{Type:0, IntVal:0, StrVal:""}';
}

/** An `intstr.IntOrString` printed on its own: its String() method, unquoted. */
export function goIntOrString(v: unknown): GoLiteral {
  return go(v === undefined || v === null ? '0' : String(v));
}

/** `%#v` of a `core.ServicePort`, as the duplicate-port error prints it. */
export function goServicePortKey(protocol: unknown, port: unknown): GoLiteral {
  return go(
    `core.ServicePort{Name:"", Protocol:${goQuote(String(protocol ?? ''))}, AppProtocol:(*string)(nil), Port:${Number(port ?? 0)}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}

/** `%#v` of an `apps.DeploymentStrategy`. */
export function goDeploymentStrategy(s: unknown): GoLiteral {
  const d = isDict(s) ? s : {};
  return go(
    `apps.DeploymentStrategy{Type:${goQuote(String(d.type ?? ''))}, RollingUpdate:${goPtr('apps.RollingUpdateDeployment', d.rollingUpdate)}}`,
  );
}

/** `%#v` of a `*int64`/`*int32` value printed on its own: Go dereferences pointers first. */
export function goNumberOrNull(v: unknown): GoLiteral | number {
  return typeof v === 'number' ? v : go('null');
}

/** `%#v` of a generic JSON value, for the rare cases validation reports a whole struct. */
export function goAny(v: unknown): GoLiteral {
  if (typeof v === 'string') return go(goQuote(v));
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return go(goStringSlice(v));
  if (isDict(v) && Object.values(v).every((x) => typeof x === 'string')) return go(goStringMap(v));
  return go(JSON.stringify(v));
}
