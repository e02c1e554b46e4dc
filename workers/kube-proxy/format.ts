/**
 * Number formatting that must match Go's `fmt.Sprintf("%0.10f")` (kube-proxy's probabilities) and
 * C's `printf("%.11f")` (iptables-save's statistic match) digit for digit. Both print the exact
 * binary value rounded half-to-even at the last digit; JavaScript's toFixed rounds exact ties up,
 * which differs for values such as 1/2048, so the rounding is done here on the exact value.
 */

const view = new DataView(new ArrayBuffer(8));

/** The exact value of a finite double as mantissa × 2^exponent. */
function decompose(x: number): [bigint, number] {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  return [mant, exp];
}

/** mant × 2^exp (mant ≥ 0) printed with `prec` decimals, rounding half to even. */
export function formatDyadic(mant: bigint, exp: number, prec: number): string {
  const scale = 10n ** BigInt(prec);
  let q: bigint;
  if (exp >= 0) q = (mant << BigInt(exp)) * scale;
  else {
    const den = 1n << BigInt(-exp);
    const num = mant * scale;
    q = num / den;
    const r2 = (num % den) * 2n;
    if (r2 > den || (r2 === den && q % 2n === 1n)) q += 1n;
  }
  const digits = q.toString().padStart(prec + 1, '0');
  if (prec === 0) return digits;
  return `${digits.slice(0, digits.length - prec)}.${digits.slice(digits.length - prec)}`;
}

/** `%.<prec>f` of a non-negative double, as Go and glibc print it. */
export function formatFixed(x: number, prec: number): string {
  if (x < 0) return `-${formatFixed(-x, prec)}`;
  const [m, e] = decompose(x);
  return formatDyadic(m, e, prec);
}

/** computeProbability: `fmt.Sprintf("%0.10f", 1.0/float64(n))`. */
export function computeProbability(n: number): string {
  return formatFixed(1 / n, 10);
}

const precomputed: string[] = ['<bad value>'];

/** probability(n) with upstream's cache of precomputed strings. */
export function probability(n: number): string {
  for (let i = precomputed.length; i <= n; i++) precomputed.push(computeProbability(i));
  return precomputed[n] as string;
}

/**
 * What iptables-save prints for `--probability <s>`: the kernel keeps `lround(2^31 · p)` as a
 * u32 (extensions/libxt_statistic.c) and iptables prints `%.11f` of it divided by 2^31.
 */
export function savedProbability(written: string): string {
  const k = Math.round(Number.parseFloat(written) * 0x80000000);
  return formatDyadic(BigInt(k), -31, 11);
}
