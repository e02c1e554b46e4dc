/**
 * Command-line flags with cobra/pflag's rules: `--name=value`, `--name value`, `-n value`,
 * `-nvalue`, `-n=value`, grouped boolean shorthands (`-it`), flags anywhere among the arguments,
 * and `--` ending flag parsing. Errors use pflag's texts.
 */
import { CommandError } from '../printers/errors.ts';

export type FlagType = 'bool' | 'string' | 'int' | 'stringArray' | 'stringSlice' | 'duration';

export interface FlagDef {
  name: string;
  short?: string;
  type: FlagType;
  default?: string | number | boolean | string[];
  /** For bool flags given without a value: the value (pflag NoOptDefVal). */
  noOptDefault?: string;
}

export class FlagError extends CommandError {}

export interface ParsedFlags {
  args: string[];
  /** Arguments after `--` (cobra's ArgsLenAtDash), also included at the end of args. */
  dashIndex: number;
  values: Map<string, string | number | boolean | string[]>;
  changed: Set<string>;
}

const TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

/** Go's time.ParseDuration, to milliseconds. */
export function parseDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let m: RegExpExecArray | null;
  let total = 0;
  let pos = 0;
  let sign = 1;
  let str = s;
  if (str.startsWith('-') || str.startsWith('+')) {
    sign = str[0] === '-' ? -1 : 1;
    str = str.slice(1);
  }
  if (str === '') return undefined;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  re.lastIndex = 0;
  while (pos < str.length) {
    re.lastIndex = pos;
    m = re.exec(str);
    if (!m) return undefined;
    total += Number(m[1]) * (unit[m[2] as string] as number);
    pos = re.lastIndex;
  }
  return sign * total;
}

function convert(def: FlagDef, value: string, shown: string): string | number | boolean {
  switch (def.type) {
    case 'bool':
      if (TRUE.includes(value)) return true;
      if (FALSE.includes(value)) return false;
      throw new FlagError(
        `invalid argument "${value}" for "${shown}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`,
      );
    case 'int':
      if (!/^[-+]?\d+$/.test(value))
        throw new FlagError(
          `invalid argument "${value}" for "${shown}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`,
        );
      return Number(value);
    case 'duration':
      if (parseDuration(value) === undefined)
        throw new FlagError(`invalid argument "${value}" for "${shown}" flag: time: invalid duration "${value}"`);
      return value;
    default:
      return value;
  }
}

/** Parses argv against the flag set. */
export function parseFlags(argv: string[], defs: FlagDef[]): ParsedFlags {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const byShort = new Map(defs.filter((d) => d.short).map((d) => [d.short as string, d]));
  const values = new Map<string, string | number | boolean | string[]>();
  const changed = new Set<string>();
  for (const d of defs)
    if (d.default !== undefined) values.set(d.name, Array.isArray(d.default) ? [...d.default] : d.default);
  const args: string[] = [];
  let dashIndex = -1;

  const set = (def: FlagDef, raw: string, shown: string) => {
    if (def.type === 'stringArray' || def.type === 'stringSlice') {
      const prev = changed.has(def.name) ? (values.get(def.name) as string[]) : [];
      const add = def.type === 'stringSlice' ? (raw === '' ? [] : raw.split(',')) : [raw];
      values.set(def.name, [...prev, ...add]);
    } else values.set(def.name, convert(def, raw, shown));
    changed.add(def.name);
  };

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      dashIndex = args.length;
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const body = a.slice(2);
      const eq = body.indexOf('=');
      const name = eq >= 0 ? body.slice(0, eq) : body;
      const def = byName.get(name);
      if (!def) throw new FlagError(`unknown flag: --${name}`);
      if (eq >= 0) set(def, body.slice(eq + 1), `--${name}`);
      else if (def.type === 'bool') set(def, def.noOptDefault ?? 'true', `--${name}`);
      else if (def.noOptDefault !== undefined) set(def, def.noOptDefault, `--${name}`);
      else {
        if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`);
        set(def, argv[++i] as string, `--${name}`);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      let rest = a.slice(1);
      while (rest.length > 0) {
        const c = rest[0] as string;
        const def = byShort.get(c);
        if (!def) throw new FlagError(`unknown shorthand flag: '${c}' in -${a.slice(1)}`);
        const shown = `-${c}, --${def.name}`;
        if (rest.length > 2 && rest[1] === '=') {
          set(def, rest.slice(2), shown);
          rest = '';
        } else if (def.type === 'bool' || def.noOptDefault !== undefined) {
          set(def, def.noOptDefault ?? 'true', shown);
          rest = rest.slice(1);
        } else if (rest.length > 1) {
          set(def, rest.slice(1), shown);
          rest = '';
        } else {
          if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
          set(def, argv[++i] as string, shown);
          rest = '';
        }
      }
      continue;
    }
    args.push(a);
  }
  return { args, dashIndex, values, changed };
}

/** Typed access to parsed flags. */
export class Flags {
  constructor(readonly parsed: ParsedFlags) {}
  get args(): string[] {
    return this.parsed.args;
  }
  str(name: string): string {
    const v = this.parsed.values.get(name);
    return typeof v === 'string' ? v : v === undefined ? '' : String(v);
  }
  bool(name: string): boolean {
    return this.parsed.values.get(name) === true;
  }
  int(name: string): number {
    const v = this.parsed.values.get(name);
    return typeof v === 'number' ? v : 0;
  }
  list(name: string): string[] {
    const v = this.parsed.values.get(name);
    return Array.isArray(v) ? v : [];
  }
  changed(name: string): boolean {
    return this.parsed.changed.has(name);
  }
}
