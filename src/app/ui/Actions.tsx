/**
 * Click-through actions for learners who would rather not type: small forms that build a kubectl
 * command line, show it exactly as it will run while the user edits, and run it through the console
 * (`submit(line)`), so the command and its output appear there as if typed. The choices come from
 * what the page knows of the cluster (deployments, services, pods, nodes).
 */
import { type KeyboardEvent, type ReactNode, useId, useRef, useState } from 'react';
import type { World } from '../../machinery/view/world.ts';
import { useActions, useApp, useStoreApi, useT } from '../state/context.tsx';
import './editor/editor.css';

const TABS = ['create', 'expose', 'scale', 'image', 'delete', 'node'] as const;
type Tab = (typeof TABS)[number];

/** Images the simulated registry has, for Create: the image and, for busybox, a command to keep it running. */
export const CREATE_IMAGES: { image: string; command?: string[] }[] = [
  { image: 'nginx' },
  { image: 'nginx:1.27' },
  { image: 'httpd' },
  { image: 'redis' },
  { image: 'busybox', command: ['sleep', '3600'] },
  { image: 'wheelhouse/slow-start' },
  { image: 'wheelhouse/crash' },
];

/** Images for Set image (a rolling update): tags the catalogue has, and one it does not. */
export const UPDATE_IMAGES = ['nginx:1.28', 'nginx:1.27', 'nginx:1.29', 'nginx:alpine', 'httpd:2.4', 'nginx:9.9'];

const DELETE_KINDS = ['deployment', 'service', 'pod', 'replicaset', 'statefulset', 'daemonset', 'job'] as const;
type DeleteKind = (typeof DELETE_KINDS)[number];

const SERVICE_TYPES = ['ClusterIP', 'NodePort'] as const;
const NODE_ACTIONS = ['cordon', 'uncordon', 'drain'] as const;
type NodeAction = (typeof NODE_ACTIONS)[number];

/** Quotes an argument for a POSIX shell when it needs it (the line must paste into a real terminal). */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

const nsFlag = (ns: string) => (ns === '' || ns === 'default' ? '' : ` -n ${shellQuote(ns)}`);

export function createLine(name: string, image: string, replicas: string, command: string[] = []): string {
  const n = replicas.trim() === '' ? '' : ` --replicas=${replicas.trim()}`;
  const cmd = command.length > 0 ? ` -- ${command.map(shellQuote).join(' ')}` : '';
  return `kubectl create deployment ${shellQuote(name)} --image=${shellQuote(image)}${n}${cmd}`;
}

export function exposeLine(ns: string, name: string, port: string, type: string): string {
  const t = type === 'ClusterIP' ? '' : ` --type=${type}`;
  return `kubectl expose deployment ${shellQuote(name)} --port=${port.trim()}${t}${nsFlag(ns)}`;
}

export function scaleLine(ns: string, name: string, replicas: string): string {
  return `kubectl scale deployment ${shellQuote(name)} --replicas=${replicas.trim()}${nsFlag(ns)}`;
}

export function setImageLine(ns: string, name: string, container: string, image: string): string {
  return `kubectl set image deployment/${shellQuote(name)} ${shellQuote(`${container.trim() || '*'}=${image}`)}${nsFlag(ns)}`;
}

export function deleteLine(kind: string, ns: string, name: string): string {
  return `kubectl delete ${kind} ${shellQuote(name)}${nsFlag(ns)}`;
}

export function nodeLine(
  action: NodeAction,
  node: string,
  drain: { ignoreDaemonSets: boolean; deleteEmptyDir: boolean; force: boolean },
): string {
  if (action !== 'drain') return `kubectl ${action} ${shellQuote(node)}`;
  const flags = [
    drain.ignoreDaemonSets ? ' --ignore-daemonsets' : '',
    drain.deleteEmptyDir ? ' --delete-emptydir-data' : '',
    drain.force ? ' --force' : '',
  ].join('');
  return `kubectl drain ${shellQuote(node)}${flags}`;
}

interface Target {
  /** `namespace/name`. */
  value: string;
  namespace: string;
  name: string;
  label: string;
}

function target(namespace: string, name: string): Target {
  return {
    value: `${namespace}/${name}`,
    namespace,
    name,
    label: namespace === 'default' ? name : `${namespace}/${name}`,
  };
}

/** Default namespace first, then the rest, each by name. */
function sorted(ts: Target[]): Target[] {
  const rank = (t: Target) => (t.namespace === 'default' ? 0 : 1);
  return ts.sort((a, b) => rank(a) - rank(b) || a.value.localeCompare(b.value));
}

function targetsOf(world: World, kind: DeleteKind): Target[] {
  switch (kind) {
    case 'service':
      return sorted(world.services.map((s) => target(s.namespace, s.name)));
    case 'pod':
      return sorted(world.pods.map((p) => target(p.namespace, p.name)));
    default:
      return sorted(
        world.workloads.filter((w) => w.kind.toLowerCase() === kind).map((w) => target(w.namespace, w.name)),
      );
  }
}

/** The chosen value if it is still there, else the first one (objects come and go). */
function pick(options: { value: string }[], chosen: string): string {
  return options.some((o) => o.value === chosen) ? chosen : (options[0]?.value ?? '');
}

function Field({ label, children, wide }: { label: string; children: (id: string) => ReactNode; wide?: boolean }) {
  const id = useId();
  return (
    <div className={wide ? 'action-field wide' : 'action-field'}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

/** A form: its fields, the command line it builds, and Run. */
function ActionForm({
  line,
  ready,
  note,
  children,
  onRun,
}: {
  line: string;
  ready: boolean;
  note?: string | undefined;
  children: ReactNode;
  onRun(line: string): void;
}) {
  const t = useT();
  const booted = useApp((s) => s.boot.phase === 'ready');
  const cmdId = useId();
  return (
    <form
      className="action-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        if (ready && booted) onRun(line);
      }}
    >
      {children}
      {note && <p className="action-note">{note}</p>}
      <div className="action-run">
        <p className="action-cmd" id={cmdId}>
          <span className="visually-hidden">{t.actions.command}: </span>
          <span className="prompt-sign" aria-hidden="true">
            ${' '}
          </span>
          <code>{line}</code>
        </p>
        <button type="submit" className="btn primary small" disabled={!ready || !booted} aria-describedby={cmdId}>
          {t.actions.run}
        </button>
      </div>
    </form>
  );
}

function NumberInput({
  id,
  value,
  onChange,
  min,
  max,
}: {
  id: string;
  value: string;
  onChange(v: string): void;
  min: number;
  max?: number;
}) {
  return (
    <input
      id={id}
      type="number"
      inputMode="numeric"
      min={min}
      max={max}
      value={value}
      onChange={(ev) => onChange(ev.target.value)}
    />
  );
}

type RunProps = { onRun(line: string): void };

const deploymentsSelector = (s: { world: World }) => s.world.workloads;

function useDeployments(): (Target & { replicas: string })[] {
  const workloads = useApp(deploymentsSelector);
  return sorted(
    workloads
      .filter((w) => w.kind === 'Deployment')
      .map((w) => ({ ...target(w.namespace, w.name), replicas: w.ready.split('/')[1] ?? '' })),
  ) as (Target & { replicas: string })[];
}

/** An image in a select: its name and, where the dictionary has one, what it does. */
function useImageLabel(): (image: string) => string {
  const t = useT();
  return (image) => (t.actions.images[image] ? `${image} — ${t.actions.images[image]}` : image);
}

/** A labelled choice among options (`value` is what the command uses, `label` what is shown). */
function OptionSelect<V extends string>({
  id,
  options,
  value,
  onChange,
}: {
  id: string;
  options: readonly { value: V; label: string }[];
  value: V;
  onChange(v: V): void;
}) {
  return (
    <select id={id} value={value} onChange={(ev) => onChange(ev.target.value as V)} disabled={options.length === 0}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

function CreateForm({ onRun }: RunProps) {
  const t = useT();
  const imageLabel = useImageLabel();
  const [name, setName] = useState('web');
  const [image, setImage] = useState('nginx');
  const [replicas, setReplicas] = useState('3');
  const preset = CREATE_IMAGES.find((i) => i.image === image) ?? CREATE_IMAGES[0];
  const line = createLine(name.trim(), image, replicas, preset?.command);
  return (
    <ActionForm line={line} ready={name.trim() !== ''} onRun={onRun}>
      <div className="action-fields">
        <Field label={t.actions.name}>
          {(id) => (
            <input
              id={id}
              type="text"
              value={name}
              required
              autoComplete="off"
              spellCheck={false}
              onChange={(ev) => setName(ev.target.value)}
            />
          )}
        </Field>
        <Field label={t.actions.replicas}>
          {(id) => <NumberInput id={id} value={replicas} onChange={setReplicas} min={0} max={50} />}
        </Field>
        <Field label={t.actions.image} wide>
          {(id) => (
            <OptionSelect
              id={id}
              value={image}
              onChange={setImage}
              options={CREATE_IMAGES.map((i) => ({ value: i.image, label: imageLabel(i.image) }))}
            />
          )}
        </Field>
      </div>
    </ActionForm>
  );
}

function ExposeForm({ onRun }: RunProps) {
  const t = useT();
  const deployments = useDeployments();
  const [chosen, setChosen] = useState('');
  const [port, setPort] = useState('80');
  const [type, setType] = useState<string>('ClusterIP');
  const value = pick(deployments, chosen);
  const d = deployments.find((x) => x.value === value);
  const line = exposeLine(d?.namespace ?? '', d?.name ?? '<deployment>', port, type);
  return (
    <ActionForm
      line={line}
      ready={!!d && port.trim() !== ''}
      note={deployments.length === 0 ? t.actions.noDeployments : undefined}
      onRun={onRun}
    >
      <div className="action-fields">
        <Field label={t.actions.deployment}>
          {(id) => <OptionSelect id={id} options={deployments} value={value} onChange={setChosen} />}
        </Field>
        <Field label={t.actions.port}>
          {(id) => <NumberInput id={id} value={port} onChange={setPort} min={1} max={65535} />}
        </Field>
        <Field label={t.actions.serviceType}>
          {(id) => (
            <OptionSelect
              id={id}
              value={type}
              onChange={setType}
              options={SERVICE_TYPES.map((x) => ({ value: x, label: x }))}
            />
          )}
        </Field>
      </div>
    </ActionForm>
  );
}

function ScaleForm({ onRun }: RunProps) {
  const t = useT();
  const deployments = useDeployments();
  const [chosen, setChosen] = useState('');
  // null: follow the deployment's current size until the user types a number.
  const [replicas, setReplicas] = useState<string | null>(null);
  const value = pick(deployments, chosen);
  const d = deployments.find((x) => x.value === value);
  const n = replicas ?? d?.replicas ?? '1';
  const line = scaleLine(d?.namespace ?? '', d?.name ?? '<deployment>', n);
  return (
    <ActionForm
      line={line}
      ready={!!d && n.trim() !== ''}
      note={deployments.length === 0 ? t.actions.noDeployments : undefined}
      onRun={onRun}
    >
      <div className="action-fields">
        <Field label={t.actions.deployment}>
          {(id) => (
            <OptionSelect
              id={id}
              options={deployments}
              value={value}
              onChange={(v) => {
                setChosen(v);
                setReplicas(null);
              }}
            />
          )}
        </Field>
        <Field label={t.actions.replicas}>
          {(id) => <NumberInput id={id} value={n} onChange={setReplicas} min={0} max={50} />}
        </Field>
      </div>
    </ActionForm>
  );
}

function ImageForm({ onRun }: RunProps) {
  const t = useT();
  const imageLabel = useImageLabel();
  const deployments = useDeployments();
  const [chosen, setChosen] = useState('');
  const [container, setContainer] = useState('*');
  const [image, setImage] = useState(UPDATE_IMAGES[0] as string);
  const hintId = useId();
  const value = pick(deployments, chosen);
  const d = deployments.find((x) => x.value === value);
  const line = setImageLine(d?.namespace ?? '', d?.name ?? '<deployment>', container, image);
  return (
    <ActionForm
      line={line}
      ready={!!d}
      note={deployments.length === 0 ? t.actions.noDeployments : undefined}
      onRun={onRun}
    >
      <div className="action-fields">
        <Field label={t.actions.deployment}>
          {(id) => <OptionSelect id={id} options={deployments} value={value} onChange={setChosen} />}
        </Field>
        <Field label={t.actions.container}>
          {(id) => (
            <input
              id={id}
              type="text"
              value={container}
              autoComplete="off"
              spellCheck={false}
              aria-describedby={hintId}
              onChange={(ev) => setContainer(ev.target.value)}
            />
          )}
        </Field>
        <Field label={t.actions.image} wide>
          {(id) => (
            <OptionSelect
              id={id}
              value={image}
              onChange={setImage}
              options={UPDATE_IMAGES.map((i) => ({ value: i, label: imageLabel(i) }))}
            />
          )}
        </Field>
      </div>
      <p id={hintId} className="action-note">
        {t.actions.containerHint}
      </p>
    </ActionForm>
  );
}

function DeleteForm({ onRun }: RunProps) {
  const t = useT();
  const world = useApp((s) => s.world);
  const [kind, setKind] = useState<DeleteKind>('deployment');
  const [chosen, setChosen] = useState('');
  const options = targetsOf(world, kind);
  const value = pick(options, chosen);
  const o = options.find((x) => x.value === value);
  const line = deleteLine(kind, o?.namespace ?? '', o?.name ?? '<name>');
  return (
    <ActionForm line={line} ready={!!o} note={options.length === 0 ? t.actions.noObjects : undefined} onRun={onRun}>
      <div className="action-fields">
        <Field label={t.actions.kind}>
          {(id) => (
            <OptionSelect<DeleteKind>
              id={id}
              value={kind}
              onChange={setKind}
              options={DELETE_KINDS.map((k) => ({ value: k, label: k }))}
            />
          )}
        </Field>
        <Field label={t.actions.object} wide>
          {(id) => <OptionSelect id={id} value={value} onChange={setChosen} options={options} />}
        </Field>
      </div>
    </ActionForm>
  );
}

function NodeForm({ onRun }: RunProps) {
  const t = useT();
  const nodes = useApp((s) => s.world.nodes);
  const [chosen, setChosen] = useState('');
  const [action, setAction] = useState<NodeAction>('cordon');
  const [ignoreDaemonSets, setIgnoreDaemonSets] = useState(true);
  const [deleteEmptyDir, setDeleteEmptyDir] = useState(false);
  const [force, setForce] = useState(false);
  const options = nodes.map((n) => ({ value: n.name, label: n.unschedulable ? t.actions.cordoned(n.name) : n.name }));
  const node = pick(options, chosen);
  const line = nodeLine(action, node || '<node>', { ignoreDaemonSets, deleteEmptyDir, force });
  const check = (label: string, flag: string, on: boolean, set: (v: boolean) => void) => (
    <label>
      <input type="checkbox" checked={on} onChange={(ev) => set(ev.target.checked)} />
      <span>
        {label} <code>{flag}</code>
      </span>
    </label>
  );
  return (
    <ActionForm
      line={line}
      ready={node !== ''}
      note={options.length === 0 ? t.actions.noNodes : undefined}
      onRun={onRun}
    >
      <div className="action-fields">
        <Field label={t.actions.node}>
          {(id) => <OptionSelect id={id} value={node} onChange={setChosen} options={options} />}
        </Field>
        <Field label={t.actions.nodeAction}>
          {(id) => (
            <OptionSelect<NodeAction>
              id={id}
              value={action}
              onChange={setAction}
              options={NODE_ACTIONS.map((a) => ({ value: a, label: t.actions.nodeActions[a] }))}
            />
          )}
        </Field>
      </div>
      {action === 'drain' && (
        <fieldset className="action-checks">
          <legend className="visually-hidden">{t.actions.nodeActions.drain}</legend>
          {check(t.actions.ignoreDaemonSets, '--ignore-daemonsets', ignoreDaemonSets, setIgnoreDaemonSets)}
          {check(t.actions.deleteEmptyDir, '--delete-emptydir-data', deleteEmptyDir, setDeleteEmptyDir)}
          {check(t.actions.force, '--force', force, setForce)}
        </fieldset>
      )}
    </ActionForm>
  );
}

const FORMS: Record<Tab, (p: RunProps) => ReactNode> = {
  create: CreateForm,
  expose: ExposeForm,
  scale: ScaleForm,
  image: ImageForm,
  delete: DeleteForm,
  node: NodeForm,
};

export function Actions() {
  const t = useT();
  const { submit, setShellNode } = useActions();
  const store = useStoreApi();
  const [tab, setTab] = useState<Tab>('create');
  const base = useId();
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);

  const run = (line: string) => {
    // These are kubectl commands: they run on the workstation even while a node's shell is selected.
    if (store.getState().shellNode !== '') setShellNode('');
    void submit(line);
  };

  const onKeyDown = (ev: KeyboardEvent<HTMLDivElement>) => {
    const at = TABS.indexOf(tab);
    const to: Record<string, number> = {
      ArrowRight: (at + 1) % TABS.length,
      ArrowLeft: (at - 1 + TABS.length) % TABS.length,
      Home: 0,
      End: TABS.length - 1,
    };
    const next = to[ev.key];
    if (next === undefined) return;
    ev.preventDefault();
    setTab(TABS[next] as Tab);
    tabs.current[next]?.focus();
  };

  const Form = FORMS[tab];
  return (
    <details className="actions-box">
      <summary>{t.actions.heading}</summary>
      <p className="muted intro">{t.actions.intro}</p>
      <div className="action-tabs" role="tablist" aria-label={t.actions.tabs} onKeyDown={onKeyDown}>
        {TABS.map((x, i) => (
          <button
            key={x}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${x}`}
            className="action-tab"
            aria-selected={tab === x}
            aria-controls={`${base}-panel`}
            tabIndex={tab === x ? 0 : -1}
            onClick={() => setTab(x)}
          >
            {t.actions.tab[x]}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${tab}`}>
        <Form key={tab} onRun={run} />
      </div>
    </details>
  );
}
