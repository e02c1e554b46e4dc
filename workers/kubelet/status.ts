/**
 * Pod status as the kubelet computes it (pkg/kubelet/kubelet_pods.go generateAPIPodStatus,
 * getPhase; pkg/kubelet/status/generate.go for conditions).
 */

export interface ContainerView {
  name: string;
  image: string;
  imageID: string;
  containerID: string;
  state: 'waiting' | 'running' | 'terminated';
  reason: string;
  message: string;
  exitCode: number;
  startedAt: string;
  finishedAt: string;
  restartCount: number;
  ready: boolean;
  started: boolean;
  lastTerminated?: { exitCode: number; reason: string; startedAt: string; finishedAt: string; containerID: string };
}

/** A container that has not started yet, waiting for the given reason. */
export function waitingView(name: string, image: string, reason: string): ContainerView {
  return {
    name,
    image,
    imageID: '',
    containerID: '',
    state: 'waiting',
    reason,
    message: '',
    exitCode: 0,
    startedAt: '',
    finishedAt: '',
    restartCount: 0,
    ready: false,
    started: false,
  };
}

export function containerStatus(c: ContainerView): Record<string, unknown> {
  let state: Record<string, unknown>;
  if (c.state === 'running') state = { running: { startedAt: c.startedAt } };
  else if (c.state === 'terminated') {
    state = {
      terminated: {
        exitCode: c.exitCode,
        reason: c.reason,
        startedAt: c.startedAt,
        finishedAt: c.finishedAt,
        containerID: c.containerID,
        ...(c.message ? { message: c.message } : {}),
      },
    };
  } else state = { waiting: c.message ? { reason: c.reason, message: c.message } : { reason: c.reason } };
  const out: Record<string, unknown> = {
    name: c.name,
    state,
    lastState: c.lastTerminated ? { terminated: c.lastTerminated } : {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: c.imageID,
    started: c.started,
  };
  if (c.containerID) out.containerID = c.containerID;
  return out;
}

/**
 * getPhase: Pending until every container has started at least once; Running while any runs or
 * will be restarted; Succeeded when all terminated with 0 and none restart; Failed when all
 * terminated and one failed (and restartPolicy does not bring it back).
 */
export function podPhase(restartPolicy: string, cs: ContainerView[], initDone: boolean): string {
  if (!initDone) return 'Pending';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of cs) {
    if (c.state === 'running') running++;
    else if (c.state === 'terminated') {
      stopped++;
      if (c.exitCode === 0) succeeded++;
    } else if (c.restartCount > 0 || c.lastTerminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}
