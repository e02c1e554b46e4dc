/**
 * docker/go-units as crictl uses it (duration.go HumanDuration, size.go HumanSizeWithPrecision),
 * and Go's `%.*g` that the size uses.
 */

/** HumanDuration: "Less than a second", "About a minute", "3 hours", "2 weeks" … for a duration in ms. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  // d.Round(time.Hour): halves round away from zero.
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

const DECIMAL_ABBRS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** HumanSizeWithPrecision(size, precision): decimal units, `%.*g` (e.g. 75497472 → "75.5MB"). */
export function humanSizeWithPrecision(size: number, precision: number): string {
  let s = size;
  let i = 0;
  while (s >= 1000 && i < DECIMAL_ABBRS.length - 1) {
    s /= 1000;
    i++;
  }
  return `${formatG(s, precision)}${DECIMAL_ABBRS[i]}`;
}

/** Go's fmt `%.{prec}g`: shortest of %e / %f by exponent, trailing zeros removed, exponent at least 2 digits. */
export function formatG(x: number, prec: number): string {
  if (x === 0) return '0';
  const p = Math.max(1, prec);
  const [mant, expStr] = x.toExponential(p - 1).split('e') as [string, string];
  const exp = Number(expStr);
  const trim = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= p) {
    const e = Math.abs(exp);
    return `${trim(mant)}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  return trim(x.toFixed(Math.max(0, p - 1 - exp)));
}
