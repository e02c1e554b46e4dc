/**
 * The cluster map: React Flow drawing the components, nodes and pods, with every message the relay
 * delivers travelling its edge as a packet, coloured by what it is.
 */
import '@xyflow/react/dist/style.css';
import {
  Background,
  Controls,
  type EdgeTypes,
  type NodeTypes,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
} from '@xyflow/react';
import { useReducedMotion } from 'motion/react';
import { useEffect, useId, useMemo, useRef } from 'react';
import { FLOW_CLASSES, type Flow } from '../../cluster/protocol.ts';
import { useApp, useStoreApi, useT } from '../../state/context.tsx';
import { onFlows } from '../../state/store.ts';
import { makeBusEdge } from './BusEdge.tsx';
import { layout } from './layout.ts';
import { ControlPlaneBox, makeComponentNode, NodeGroup } from './nodes.tsx';
import { PacketHub } from './packets.ts';

/** How long a packet takes to cross its edge, by clock speed: slow enough to follow at human speeds. */
function packetMs(mode: string, speed: string): number {
  if (mode === 'max' || speed === 'max') return 450;
  const f = Number(speed);
  if (f <= 0.1) return 1600;
  if (f <= 0.5) return 1100;
  if (f <= 1) return 800;
  return 600;
}

function Legend() {
  const t = useT();
  return (
    <ul className="cv-legend" aria-label={t.canvas.legend}>
      {FLOW_CLASSES.filter((c) => c !== 'other').map((c) => (
        <li key={c}>
          <span className={`cv-legend-dot packet-${c}`} aria-hidden="true" />
          {t.canvas.classes[c]}
        </li>
      ))}
    </ul>
  );
}

function FitOnGrowth({ count }: { count: number }) {
  const rf = useReactFlow();
  useEffect(() => {
    if (count > 0) void rf.fitView({ padding: 0.06, duration: 0 });
  }, [count, rf]);
  return null;
}

function ClusterMap() {
  const t = useT();
  const store = useStoreApi();
  const reduced = useReducedMotion() ?? false;
  const hosts = useApp((s) => s.hosts);
  const world = useApp((s) => s.world);
  const seen = useApp((s) => s.addresses);
  const travelledKey = useApp((s) => Object.keys(s.edgeCounts).sort().join('\n'));
  const travelled = useMemo(() => (travelledKey === '' ? [] : travelledKey.split('\n')), [travelledKey]);
  const hub = useMemo(() => new PacketHub(), []);
  // Nodes and edges that did not change keep their object identity, so React Flow and the memoised
  // node components skip them: a pod changing phase re-renders its node's box, not the whole map.
  const previous = useRef(new Map<string, { sig: string; value: unknown }>());
  const { nodes, edges, drawn, height } = useMemo(() => {
    const next = layout(hosts, world, seen, travelled);
    const cache = previous.current;
    const fresh = new Map<string, { sig: string; value: unknown }>();
    const keep =
      (prefix: string) =>
      <T extends { id: string }>(x: T): T => {
        const key = prefix + x.id;
        const sig = JSON.stringify(x);
        const old = cache.get(key);
        const value = old && old.sig === sig ? (old.value as T) : x;
        fresh.set(key, { sig, value });
        return value;
      };
    const out = { ...next, nodes: next.nodes.map(keep('n:')), edges: next.edges.map(keep('e:')) };
    previous.current = fresh;
    return out;
  }, [hosts, world, seen, travelled]);
  const drawnRef = useRef(drawn);
  drawnRef.current = drawn;
  const nodeTypes = useMemo<NodeTypes>(
    () => ({ component: makeComponentNode(hub), nodeGroup: NodeGroup, controlPlane: ControlPlaneBox }),
    [hub],
  );
  const edgeTypes = useMemo<EdgeTypes>(() => ({ bus: makeBusEdge(hub, reduced) }), [hub, reduced]);

  useEffect(() => {
    const off = onFlows(store, (flows: Flow[]) => {
      const s = store.getState();
      hub.add(flows, drawnRef.current, performance.now(), packetMs(s.clock.mode, s.speed));
    });
    const timer = setInterval(() => hub.prune(performance.now()), 200);
    return () => {
      off();
      clearInterval(timer);
    };
  }, [store, hub]);

  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      fitView
      fitViewOptions={{ padding: 0.06 }}
      minZoom={0.05}
      maxZoom={2}
      nodesDraggable={false}
      nodesConnectable={false}
      elementsSelectable={false}
      edgesFocusable={false}
      nodesFocusable={false}
      proOptions={{ hideAttribution: true }}
      ariaLabelConfig={t.canvas.flow}
      aria-label={t.canvas.label}
    >
      <FitOnGrowth count={height} />
      <Background gap={24} size={1} />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}

export function Canvas() {
  const t = useT();
  const headingId = useId();
  return (
    <section className="panel canvas-panel" aria-labelledby={headingId}>
      <div className="panel-head">
        <h2 id={headingId}>{t.canvas.heading}</h2>
        <Legend />
      </div>
      <div className="canvas-frame">
        <ReactFlowProvider>
          <ClusterMap />
        </ReactFlowProvider>
      </div>
    </section>
  );
}
