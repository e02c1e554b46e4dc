/** How addresses read on the canvas and to screen readers: `kubelet@kind-worker` → `kubelet (kind-worker)`. */
export function addressLabel(address: string): string {
  const at = address.indexOf('@');
  return at < 0 ? address : `${address.slice(0, at)} (${address.slice(at + 1)})`;
}
