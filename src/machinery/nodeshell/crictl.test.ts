import { describe, expect, it } from 'vitest';
import { type CriContainer, type CriImage, type CriSandbox, crictlCommand } from './crictl.ts';
import { formatG, humanDuration, humanSizeWithPrecision } from './units.ts';

const EPOCH = Date.UTC(2025, 0, 1);
const SB_WEB = 'f3e2d1c0b9a8f3e2d1c0b9a8f3e2d1c0b9a8f3e2d1c0b9a8f3e2d1c0b9a8f3e2';
const SB_PROXY = '0a1b2c3d4e5f0a1b2c3d4e5f0a1b2c3d4e5f0a1b2c3d4e5f0a1b2c3d4e5f0a1b';
const NGINX = 'sha256:6b1f8c2e9d4a7f3b0c5e8a1d4f7b2e5c8a1d4f7b2e5c8a1d4f7b2e5c8a1d4f7b';
const PROXY_IMG = 'sha256:b41c7a2f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b';

const containers: CriContainer[] = [
  {
    id: '9d8c7b6a5f4e3d2c1b0a9d8c7b6a5f4e3d2c1b0a9d8c7b6a5f4e3d2c1b0a9d8c',
    sandboxId: SB_WEB,
    name: 'nginx',
    image: 'docker.io/library/nginx:1.27',
    imageRef: NGINX,
    podName: 'web-7c4c8d5d4f-x2vqz',
    podNamespace: 'default',
    attempt: 0,
    state: 'CONTAINER_RUNNING',
    createdAt: 60_000,
  },
  {
    id: '1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d1a2b',
    sandboxId: SB_PROXY,
    name: 'kube-proxy',
    image: 'registry.k8s.io/kube-proxy:v1.33.1',
    imageRef: PROXY_IMG,
    podName: 'kube-proxy-7xk2p',
    podNamespace: 'kube-system',
    attempt: 1,
    state: 'CONTAINER_EXITED',
    createdAt: 5_000,
  },
];
const sandboxes: CriSandbox[] = [
  {
    id: SB_PROXY,
    name: 'kube-proxy-7xk2p',
    namespace: 'kube-system',
    ip: '172.18.0.3',
    state: 'SANDBOX_READY',
    createdAt: 4_000,
    hostNetwork: true,
  },
  {
    id: SB_WEB,
    name: 'web-7c4c8d5d4f-x2vqz',
    namespace: 'default',
    ip: '10.244.1.2',
    state: 'SANDBOX_READY',
    createdAt: 55_000,
  },
];
const images: CriImage[] = [
  { id: PROXY_IMG, repoTags: ['registry.k8s.io/kube-proxy:v1.33.1'], size: 30 * 1024 * 1024 },
  { id: NGINX, repoTags: ['docker.io/library/nginx:1.27'], size: 72 * 1024 * 1024 },
  {
    id: 'sha256:0e3f5a7c9b1d3f5a7c9b1d3f5a7c9b1d3f5a7c9b1d3f5a7c9b1d3f5a7c9b1d3f',
    repoTags: ['registry.k8s.io/pause:3.10'],
    size: 320 * 1024,
  },
];

function env(now = EPOCH + 150_000) {
  const calls: string[] = [];
  return {
    calls,
    now,
    epoch: EPOCH,
    pid: 4242,
    async cri(method: string, payload: unknown): Promise<unknown> {
      calls.push(method);
      switch (method) {
        case 'cri.ListContainers':
          return { ok: containers };
        case 'cri.ListPodSandbox':
          return { ok: sandboxes };
        case 'cri.ListImages':
          return { ok: images };
        case 'cri.logs': {
          const id = (payload as { containerId: string }).containerId;
          return id === containers[0]?.id
            ? { ok: ['/docker-entrypoint.sh: Configuration complete; ready for start up', 'start worker process 29'] }
            : { error: { code: 'NotFound', message: 'not found' } };
        }
        default:
          return { error: { code: 'Unimplemented', message: `unknown method ${method}` } };
      }
    },
  };
}

describe('crictl on a node', () => {
  it('ps: running containers, crictl’s columns and tab stops, 13-character IDs, image IDs without sha256:', async () => {
    const e = env();
    const r = await crictlCommand(['ps'], e);
    expect(r.stdout).toBe(
      'CONTAINER           IMAGE               CREATED              STATE               NAME                ATTEMPT             POD ID              POD                    NAMESPACE\n' +
        '9d8c7b6a5f4e3       6b1f8c2e9d4a7       About a minute ago   Running             nginx               0                   f3e2d1c0b9a8f       web-7c4c8d5d4f-x2vqz   default\n',
    );
    expect(e.calls).toEqual(['cri.ListContainers']);
  });

  it('ps -a: every state, newest first', async () => {
    const r = await crictlCommand(['ps', '-a'], env());
    const rows = r.stdout.split('\n');
    expect(rows[1]).toMatch(/^9d8c7b6a5f4e3 .* Running /);
    expect(rows[2]).toMatch(
      /^1a2b3c4d5e6f7 {7}b41c7a2f0e9d8 {7}2 minutes ago {8}Exited {14}kube-proxy {10}1 {19}0a1b2c3d4e5f0/,
    );
    expect((await crictlCommand(['ps', '-aq'], env())).stdout).toBe(`${containers[0]?.id}\n${containers[1]?.id}\n`);
    expect((await crictlCommand(['ps', '--state', 'bogus'], env())).stderr).toBe(
      'FATA[0000] listing containers: --state should be one of created, running, exited or unknown\n',
    );
  });

  it('pods: POD ID, CREATED, STATE, NAME, NAMESPACE, ATTEMPT, RUNTIME', async () => {
    const r = await crictlCommand(['pods'], env());
    expect(r.stdout).toBe(
      'POD ID              CREATED              STATE               NAME                   NAMESPACE           ATTEMPT             RUNTIME\n' +
        'f3e2d1c0b9a8f       About a minute ago   Ready               web-7c4c8d5d4f-x2vqz   default             0                   (default)\n' +
        '0a1b2c3d4e5f0       2 minutes ago        Ready               kube-proxy-7xk2p       kube-system         0                   (default)\n',
    );
  });

  it('images: repository and tag split at the last colon, sorted, sizes as go-units prints them', async () => {
    const r = await crictlCommand(['images'], env());
    expect(r.stdout).toBe(
      'IMAGE                        TAG                 IMAGE ID            SIZE\n' +
        'docker.io/library/nginx      1.27                6b1f8c2e9d4a7       75.5MB\n' +
        'registry.k8s.io/kube-proxy   v1.33.1             b41c7a2f0e9d8       31.5MB\n' +
        'registry.k8s.io/pause        3.10                0e3f5a7c9b1d3       328kB\n',
    );
    expect((await crictlCommand(['images', 'nginx:1.27'], env())).stdout.split('\n')).toHaveLength(3);
  });

  it('logs: an ID prefix finds the container; an unknown ID fails as containerd answers', async () => {
    const ok = await crictlCommand(['logs', '9d8c7b'], env());
    expect(ok.stdout).toBe(
      '/docker-entrypoint.sh: Configuration complete; ready for start up\nstart worker process 29\n',
    );
    expect((await crictlCommand(['logs', '--tail', '1', '9d8c7b'], env())).stdout).toBe('start worker process 29\n');
    const bad = await crictlCommand(['logs', 'ffff'], env());
    expect(bad.exit).toBe(1);
    expect(bad.stderr).toBe(
      'E0101 00:02:30.000000    4242 log.go:32] "ContainerStatus from runtime service failed" err="rpc error: code = NotFound desc = an error occurred when try to find container \\"ffff\\": not found" containerID="ffff"\n' +
        'FATA[0000] rpc error: code = NotFound desc = an error occurred when try to find container "ffff": not found\n',
    );
    expect((await crictlCommand(['logs'], env())).stderr).toBe('FATA[0000] ID cannot be empty\n');
  });

  it('unknown subcommands as urfave/cli answers them', async () => {
    expect(await crictlCommand(['bogus'], env())).toEqual({
      stdout: '',
      stderr: "No help topic for 'bogus'\n",
      exit: 3,
    });
  });
});

describe('go-units', () => {
  it('HumanDuration, with go-units’ own test vectors', () => {
    const s = 1000;
    const m = 60 * s;
    const h = 60 * m;
    const day = 24 * h;
    const week = 7 * day;
    const month = 30 * day;
    const year = 365 * day;
    const cases: [number, string][] = [
      [450, 'Less than a second'],
      [1 * s, '1 second'],
      [45 * s, '45 seconds'],
      [59 * s, '59 seconds'],
      [60 * s, 'About a minute'],
      [3 * m, '3 minutes'],
      [35 * m + 40 * s, '35 minutes'],
      [59 * m, '59 minutes'],
      [1 * h, 'About an hour'],
      [1 * h + 29 * m, 'About an hour'],
      [1 * h + 31 * m, '2 hours'],
      [3 * h + 29 * m, '3 hours'],
      [3 * h + 31 * m, '4 hours'],
      [24 * h, '24 hours'],
      [day + 12 * h, '36 hours'],
      [2 * day, '2 days'],
      [13 * day + 5 * h, '13 days'],
      [2 * week, '2 weeks'],
      [4 * week + 3 * day, '4 weeks'],
      [month + 2 * week, '6 weeks'],
      [2 * month, '2 months'],
      [23 * month, '23 months'],
      [24 * month + 2 * week, '2 years'],
      [3 * year + 2 * month, '3 years'],
    ];
    for (const [ms, want] of cases) expect(humanDuration(ms), `${ms} ms`).toBe(want);
  });

  it('HumanSizeWithPrecision(size, 3) and Go’s %.3g', () => {
    expect(humanSizeWithPrecision(75497472, 3)).toBe('75.5MB');
    expect(humanSizeWithPrecision(2 * 1024 * 1024, 3)).toBe('2.1MB');
    expect(humanSizeWithPrecision(320 * 1024, 3)).toBe('328kB');
    expect(humanSizeWithPrecision(999, 3)).toBe('999B');
    expect(humanSizeWithPrecision(999_999, 3)).toBe('1e+03kB');
    expect(humanSizeWithPrecision(1_000_000_000, 3)).toBe('1GB');
    expect(formatG(0.0001234, 3)).toBe('0.000123');
    expect(formatG(0.00001234, 3)).toBe('1.23e-05');
  });
});
