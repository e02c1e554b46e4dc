/** The canvas's node types: a component, a node's box with its pods, the control-plane box. */
import { Handle, type NodeProps, Position } from '@xyflow/react';
import { AnimatePresence, domAnimation, LazyMotion, m, useReducedMotion } from 'motion/react';
import { memo, useCallback, useSyncExternalStore } from 'react';
import type { WorldPod } from '../../../machinery/view/world.ts';
import { useActions, useApp, useT } from '../../state/context.tsx';
import { addressLabel } from './labels.ts';
import type { ComponentData, NodeGroupData } from './layout.ts';
import type { PacketHub } from './packets.ts';

/** Edges attach to the border wherever the line falls; these invisible handles only anchor them. */
function Anchors() {
  return (
    <>
      <Handle type="target" position={Position.Top} className="anchor" isConnectable={false} />
      <Handle type="source" position={Position.Bottom} className="anchor" isConnectable={false} />
    </>
  );
}

export function makeComponentNode(hub: PacketHub) {
  return memo(function ComponentNode({ data }: NodeProps & { data: ComponentData }) {
    const t = useT();
    const { select } = useActions();
    const selected = useApp((s) => s.selection?.type === 'component' && s.selection.address === data.address);
    const lastPulse = useSyncExternalStore(
      useCallback((fn: () => void) => hub.subscribePulses(fn), []),
      () => hub.pulse(data.address),
    );
    const name = addressLabel(data.address);
    const state = data.stopped ? t.canvas.stopped : data.phase !== 'running' ? t.components.phase[data.phase] : '';
    return (
      <>
        <Anchors />
        <button
          type="button"
          className={`cv-component cv-${data.binary}${data.stopped ? ' is-stopped' : ''}${selected ? ' is-selected' : ''}`}
          aria-label={state ? `${name} (${state})` : name}
          aria-pressed={selected}
          onClick={() => select({ type: 'component', address: data.address })}
        >
          {lastPulse > 0 && <span key={lastPulse} className="cv-pulse" aria-hidden="true" />}
          <span className="cv-component-name">{data.binary}</span>
          {state && <span className="cv-component-state">{state}</span>}
        </button>
      </>
    );
  });
}

function podTone(status: string): string {
  if (status === 'Running') return 'ok';
  if (status === 'Completed' || status === 'Succeeded') return 'done';
  if (status === 'Terminating') return 'leaving';
  if (/Err|BackOff|Failed|Error|OOMKilled|Unknown|Evicted/.test(status)) return 'bad';
  return 'wait';
}

const PodChip = memo(
  function PodChip({ pod }: { pod: WorldPod }) {
    const t = useT();
    const { select } = useActions();
    const reduced = useReducedMotion();
    const selected = useApp(
      (s) => s.selection?.type === 'pod' && s.selection.namespace === pod.namespace && s.selection.name === pod.name,
    );
    const walkEnd = useApp((s) => {
      const key = `${pod.namespace}/${pod.name}`;
      if (s.walkEnds?.source === key) return 'walk-source';
      if (s.walkEnds?.destination === key) return 'walk-destination';
      return '';
    });
    return (
      <m.li
        initial={reduced ? false : { opacity: 0, scale: 0.6 }}
        animate={{ opacity: 1, scale: 1 }}
        exit={reduced ? { opacity: 0 } : { opacity: 0, scale: 0.6 }}
        transition={{ duration: reduced ? 0 : 0.25 }}
      >
        <button
          type="button"
          className={`cv-pod tone-${podTone(pod.status)}${selected ? ' is-selected' : ''}${walkEnd ? ` ${walkEnd}` : ''}`}
          aria-label={t.canvas.pod(pod.name, pod.status)}
          aria-pressed={selected}
          title={`${pod.namespace}/${pod.name} · ${pod.status} · ${pod.ip || '-'}`}
          onClick={() => select({ type: 'pod', namespace: pod.namespace, name: pod.name })}
        >
          <span className="cv-pod-dot" aria-hidden="true" />
          <span className="cv-pod-name">{pod.name}</span>
          <span className="cv-pod-status">{pod.status}</span>
        </button>
      </m.li>
    );
  },
  // A pod is redrawn only when what it shows changed.
  (a, b) =>
    a.pod.name === b.pod.name &&
    a.pod.namespace === b.pod.namespace &&
    a.pod.status === b.pod.status &&
    a.pod.ip === b.pod.ip,
);

export const NodeGroup = memo(function NodeGroup({ data }: NodeProps & { data: NodeGroupData }) {
  const t = useT();
  const { select } = useActions();
  const info = data.info;
  const ready = info?.ready === 'True' ? 'Ready' : info?.ready ? 'NotReady' : t.canvas.registering;
  const roles = info?.roles.length ? info.roles.join(',') : '<none>';
  return (
    <section className={`cv-node${data.stopped ? ' is-stopped' : ''}`} aria-label={t.canvas.node(data.name)}>
      <header className="cv-node-head">
        <button type="button" className="cv-node-name" onClick={() => select({ type: 'node', name: data.name })}>
          {data.name}
        </button>
        <span className={`cv-node-ready ${info?.ready === 'True' ? 'ok' : 'bad'}`}>
          {data.stopped ? t.canvas.poweredOff : ready}
        </span>
        <span className="cv-node-meta">
          {roles} · {info?.internalIP || '-'} · {info?.podCIDR || '-'}
          {info?.unschedulable ? ' · SchedulingDisabled' : ''}
        </span>
      </header>
      <ul className="cv-pods" aria-label={t.canvas.podsOn(data.name, data.pods.length)}>
        {/* LazyMotion with the DOM animation features only: pods fade in and out, nothing heavier. */}
        <LazyMotion features={domAnimation} strict>
          <AnimatePresence initial={false}>
            {data.pods.map((p) => (
              <PodChip key={`${p.namespace}/${p.name}`} pod={p} />
            ))}
          </AnimatePresence>
        </LazyMotion>
      </ul>
    </section>
  );
});

export const ControlPlaneBox = memo(function ControlPlaneBox() {
  const t = useT();
  return (
    <section className="cv-control-plane" aria-label={t.canvas.controlPlane}>
      <header className="cv-node-head">
        <span className="cv-node-name static">{t.canvas.controlPlane}</span>
      </header>
    </section>
  );
});
