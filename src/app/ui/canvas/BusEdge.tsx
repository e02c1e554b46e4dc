/**
 * An edge of the canvas: a straight line between two components' borders (whatever their
 * handles), and the packets travelling it, each an SVG circle moved along the line by SMIL's
 * animateMotion, so hundreds can move at once without JavaScript per frame.
 */
import { type EdgeProps, type InternalNode, useInternalNode } from '@xyflow/react';
import { memo, useCallback, useSyncExternalStore } from 'react';
import { useApp, useT } from '../../state/context.tsx';
import { addressLabel } from './labels.ts';
import type { EdgeData } from './layout.ts';
import type { Packet, PacketHub } from './packets.ts';

/** The point where the line from a node's centre towards `to` leaves its rectangle. */
function border(n: InternalNode, to: { x: number; y: number }): { x: number; y: number } {
  const w = n.measured.width ?? n.width ?? 0;
  const h = n.measured.height ?? n.height ?? 0;
  const cx = n.internals.positionAbsolute.x + w / 2;
  const cy = n.internals.positionAbsolute.y + h / 2;
  const dx = to.x - cx;
  const dy = to.y - cy;
  if (dx === 0 && dy === 0) return { x: cx, y: cy };
  const sx = dx === 0 ? Number.POSITIVE_INFINITY : w / 2 / Math.abs(dx);
  const sy = dy === 0 ? Number.POSITIVE_INFINITY : h / 2 / Math.abs(dy);
  const s = Math.min(sx, sy);
  return { x: cx + dx * s, y: cy + dy * s };
}

function centre(n: InternalNode): { x: number; y: number } {
  return {
    x: n.internals.positionAbsolute.x + (n.measured.width ?? n.width ?? 0) / 2,
    y: n.internals.positionAbsolute.y + (n.measured.height ?? n.height ?? 0) / 2,
  };
}

function PacketDot({ p, path, forward, reduced }: { p: Packet; path: string; forward: boolean; reduced: boolean }) {
  // A motion element added after the page loaded must be started by hand (begin="indefinite").
  const start = useCallback((el: SVGAnimateMotionElement | null) => {
    el?.beginElement();
  }, []);
  if (reduced) return null;
  return (
    <g className={`packet packet-${p.cls}`} data-class={p.cls}>
      <circle r={p.count > 1 ? 6 : 4.5}>
        <animateMotion
          ref={start}
          begin="indefinite"
          dur={`${p.dur}ms`}
          path={path}
          keyPoints={forward ? '0;1' : '1;0'}
          keyTimes="0;1"
          calcMode="linear"
          fill="freeze"
        />
      </circle>
    </g>
  );
}

export function makeBusEdge(hub: PacketHub, reduced: boolean) {
  return memo(function BusEdge({ id, source, target, data }: EdgeProps & { data?: EdgeData }) {
    const t = useT();
    const s = useInternalNode(source);
    const d = useInternalNode(target);
    const sub = useCallback((fn: () => void) => hub.subscribe(id, fn), [id]);
    const packets = useSyncExternalStore(sub, () => hub.get(id));
    const count = useApp((st) => st.edgeCounts[id] ?? 0);
    if (!s || !d) return null;
    const a = border(s, centre(d));
    const b = border(d, centre(s));
    const path = `M${a.x},${a.y} L${b.x},${b.y}`;
    const active = (packets?.length ?? 0) > 0;
    const label = t.canvas.edge(addressLabel(data?.a ?? source), addressLabel(data?.b ?? target), count);
    return (
      // An SVG group is not interactive here: the edge is a picture with a name (its message count).
      // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: an SVG <g> is a plain container
      <g className={`bus-edge${active ? ' active' : ''}`} role="img" aria-label={label} data-messages={count}>
        <title>{label}</title>
        <path d={path} className="bus-edge-line" />
        <path d={path} className="bus-edge-hit" />
        {packets?.map((p) => (
          <PacketDot key={p.id} p={p} path={path} forward={p.from === source} reduced={reduced} />
        ))}
      </g>
    );
  });
}
