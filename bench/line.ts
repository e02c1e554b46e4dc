/** One benchmark result, as `npm run bench` prints it (a JSON line each). */
export interface BenchLine {
  name: string;
  value: number;
  unit: string;
  /** The same measurement on the thing we compare with (a bare forwarder, the kernel, a peer). */
  baseline?: number;
  baselineName?: string;
  ratio?: number;
  skipped?: true;
  reason?: string;
  note?: string;
}
