/**
 * `resource.Quantity` (apimachinery/pkg/api/resource): parsing with upstream's error texts, exact
 * comparison, rounding up to milli scale as SetDefaults_ResourceList does, and the canonical text
 * the API server writes back (`0.5` → `500m`, `2000` → `2k`, `1.5Gi` → `1536Mi`).
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** value = unscaled × 10^scale (exact; binary suffixes are folded into `unscaled`). */
export interface Quantity {
  unscaled: bigint;
  scale: number;
  format: QuantityFormat;
}

export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

export class QuantityError extends Error {}

const DEC_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** `resource.ParseQuantity`. Throws QuantityError with upstream's message. */
export function parseQuantity(input: string): Quantity {
  if (input.length === 0) throw new QuantityError(QUANTITY_FORMAT_ERROR);
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(input);
  if (!m) throw new QuantityError(QUANTITY_FORMAT_ERROR);
  const [, sign, whole = '', frac = '', suffix = ''] = m;
  if (whole === '' && frac === '') throw new QuantityError(QUANTITY_FORMAT_ERROR);
  if (!/^[eEinumkKMGTP]*[-+]?[0-9]*$/.test(suffix)) throw new QuantityError(QUANTITY_FORMAT_ERROR);
  let format: QuantityFormat;
  let exp10 = 0;
  let exp2 = 0;
  if (suffix in DEC_SUFFIX) {
    format = 'DecimalSI';
    exp10 = DEC_SUFFIX[suffix] as number;
  } else if (suffix in BIN_SUFFIX) {
    format = 'BinarySI';
    exp2 = BIN_SUFFIX[suffix] as number;
  } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    format = 'DecimalExponent';
    exp10 = Number.parseInt(suffix.slice(1), 10);
  } else {
    throw new QuantityError(QUANTITY_SUFFIX_ERROR);
  }
  let unscaled = BigInt(`${whole}${frac}` || '0');
  if (sign === '-') unscaled = -unscaled;
  if (exp2) unscaled *= 1n << BigInt(exp2);
  return { unscaled, scale: exp10 - frac.length, format };
}

export function isQuantity(s: string): boolean {
  try {
    parseQuantity(s);
    return true;
  } catch {
    return false;
  }
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Compares two quantities exactly: -1, 0 or 1. */
export function compareQuantity(a: Quantity, b: Quantity): number {
  const s = Math.min(a.scale, b.scale);
  const x = a.unscaled * pow10(a.scale - s);
  const y = b.unscaled * pow10(b.scale - s);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Exact sum of two quantities (`Quantity.Add`); the format of the first is kept. */
export function addQuantity(a: Quantity, b: Quantity): Quantity {
  const s = Math.min(a.scale, b.scale);
  return { unscaled: a.unscaled * pow10(a.scale - s) + b.unscaled * pow10(b.scale - s), scale: s, format: a.format };
}

/** `Quantity.RoundUp(scale)`: away from zero, to a multiple of 10^scale. */
export function roundUp(q: Quantity, scale: number): Quantity {
  if (q.scale >= scale) return q;
  const d = pow10(scale - q.scale);
  let v = q.unscaled / d;
  if (q.unscaled % d !== 0n) v += q.unscaled > 0n ? 1n : -1n;
  return { unscaled: v, scale, format: q.format };
}

/** The value in thousandths, rounded up (`MilliValue`). */
export function milliValue(q: Quantity): bigint {
  const r = roundUp(q, -3);
  return r.unscaled * pow10(r.scale + 3);
}

/** The value rounded up to an integer (`Value`). */
export function integerValue(q: Quantity): bigint {
  const r = roundUp(q, 0);
  return r.unscaled * pow10(r.scale);
}

/** A float approximation, for scoring and display. */
export function quantityToNumber(q: Quantity): number {
  return Number(q.unscaled) * 10 ** q.scale;
}

function decimalSuffix(exp: number, format: QuantityFormat): string {
  if (format === 'DecimalExponent') return exp === 0 ? '' : `e${exp}`;
  for (const [s, e] of Object.entries(DEC_SUFFIX)) if (e === exp) return s;
  return `e${exp}`;
}

/** `Quantity.String()`: the canonical form. */
export function formatQuantity(q: Quantity): string {
  if (q.unscaled === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const small =
      compareQuantity(q, { unscaled: -1024n, scale: 0, format }) > 0 &&
      compareQuantity(q, { unscaled: 1024n, scale: 0, format }) < 0;
    if (small) format = 'DecimalSI';
    else {
      const int =
        q.scale >= 0
          ? q.unscaled * pow10(q.scale)
          : q.unscaled % pow10(-q.scale) === 0n
            ? q.unscaled / pow10(-q.scale)
            : undefined;
      if (int === undefined) format = 'DecimalSI';
      else {
        let amount = int;
        let exp = 0;
        while (amount % 1024n === 0n && exp < 6) {
          amount /= 1024n;
          exp++;
        }
        const suffix = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'][exp] as string;
        return `${amount}${suffix}`;
      }
    }
  }
  let amount = q.unscaled;
  let exp = q.scale;
  while (amount % 10n === 0n) {
    amount /= 10n;
    exp++;
  }
  const r = ((exp % 3) + 3) % 3;
  if (r === 1) {
    amount *= 10n;
    exp -= 1;
  } else if (r === 2) {
    amount *= 100n;
    exp -= 2;
  }
  return `${amount}${decimalSuffix(exp, format)}`;
}

/** Parses and re-renders a quantity the way the API server stores it (after RoundUp(-3)). */
export function canonicalQuantity(input: string | number): string {
  const q = parseQuantity(typeof input === 'number' ? String(input) : input);
  return formatQuantity(roundUp(q, -3));
}
