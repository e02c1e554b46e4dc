/**
 * The simulated image catalogue: well-known images and tags with their sizes and what a container
 * started from them does. Behaviour depends on the image and the container's command/args, as a
 * real process's would: nginx serves, `busybox sleep 3` exits 0 after three seconds, `false`
 * exits 1, a memory hog is OOM-killed at its limit. An image or tag not in the catalogue does not
 * exist in the registry, so pulling it fails as a real pull of a missing image does.
 */

export type Behaviour =
  | { kind: 'server'; port: number; startup: number; banner: string[]; page?: string; alsoListens?: number[] }
  | { kind: 'exit'; after: number; code: number; output: string[] }
  | { kind: 'sleep-forever' }
  /** Serves, then starts failing its liveness probe after `healthyFor` ms. */
  | { kind: 'degrading'; port: number; healthyFor: number }
  /** Serves but reports not ready until `readyAfter` ms, then ready. */
  | { kind: 'slow-ready'; port: number; readyAfter: number }
  /** Allocates memory until it passes its limit. */
  | { kind: 'memory-hog'; bytesPerSecond: number };

export interface ImageInfo {
  /** Normalized reference, e.g. docker.io/library/nginx:latest */
  ref: string;
  repo: string;
  tag: string;
  size: number;
  digest: string;
  /** Default ENTRYPOINT + CMD as the image defines them. */
  entrypoint: string[];
  cmd: string[];
}

const MiB = 1024 * 1024;

interface Repo {
  repo: string;
  tags: string[];
  size: number;
  entrypoint: string[];
  cmd: string[];
}

const NGINX_PAGE = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const REPOS: Repo[] = [
  {
    repo: 'docker.io/library/nginx',
    tags: ['latest', '1.27', '1.27.5', '1.28', '1.28.0', '1.29', 'alpine', 'stable', '1.25', '1.26'],
    size: 72 * MiB,
    entrypoint: ['/docker-entrypoint.sh'],
    cmd: ['nginx', '-g', 'daemon off;'],
  },
  {
    repo: 'docker.io/library/busybox',
    tags: ['latest', '1.36', '1.37', 'stable'],
    size: 2 * MiB,
    entrypoint: [],
    cmd: ['sh'],
  },
  {
    repo: 'docker.io/library/alpine',
    tags: ['latest', '3.20', '3.21', '3.22'],
    size: 4 * MiB,
    entrypoint: [],
    cmd: ['/bin/sh'],
  },
  {
    repo: 'docker.io/library/redis',
    tags: ['latest', '7', '7.4', '8', 'alpine'],
    size: 45 * MiB,
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['redis-server'],
  },
  {
    repo: 'docker.io/library/httpd',
    tags: ['latest', '2.4', 'alpine'],
    size: 58 * MiB,
    entrypoint: [],
    cmd: ['httpd-foreground'],
  },
  {
    repo: 'docker.io/library/postgres',
    tags: ['latest', '16', '17'],
    size: 150 * MiB,
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['postgres'],
  },
  {
    repo: 'docker.io/library/mysql',
    tags: ['latest', '8.4', '9'],
    size: 230 * MiB,
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['mysqld'],
  },
  {
    repo: 'docker.io/library/python',
    tags: ['latest', '3.12', '3.13', '3.13-slim'],
    size: 400 * MiB,
    entrypoint: [],
    cmd: ['python3'],
  },
  { repo: 'registry.k8s.io/pause', tags: ['3.10'], size: 320 * 1024, entrypoint: ['/pause'], cmd: [] },
  {
    repo: 'registry.k8s.io/e2e-test-images/agnhost',
    tags: ['2.52', '2.53'],
    size: 50 * MiB,
    entrypoint: ['/agnhost'],
    cmd: ['serve-hostname'],
  },
  {
    repo: 'registry.k8s.io/coredns/coredns',
    tags: ['v1.12.0', 'v1.12.1'],
    size: 20 * MiB,
    entrypoint: ['/coredns'],
    cmd: [],
  },
  {
    repo: 'registry.k8s.io/kube-proxy',
    tags: ['v1.33.1'],
    size: 30 * MiB,
    entrypoint: [],
    cmd: ['/usr/local/bin/kube-proxy'],
  },
  { repo: 'registry.k8s.io/etcd', tags: ['3.5.21-0'], size: 60 * MiB, entrypoint: [], cmd: ['etcd'] },
  {
    repo: 'registry.k8s.io/kube-apiserver',
    tags: ['v1.33.1'],
    size: 30 * MiB,
    entrypoint: [],
    cmd: ['kube-apiserver'],
  },
  {
    repo: 'registry.k8s.io/kube-controller-manager',
    tags: ['v1.33.1'],
    size: 28 * MiB,
    entrypoint: [],
    cmd: ['kube-controller-manager'],
  },
  {
    repo: 'registry.k8s.io/kube-scheduler',
    tags: ['v1.33.1'],
    size: 20 * MiB,
    entrypoint: [],
    cmd: ['kube-scheduler'],
  },
  {
    repo: 'docker.io/kindest/kindnetd',
    tags: ['v20250512-df8de77b'],
    size: 15 * MiB,
    entrypoint: [],
    cmd: ['/bin/kindnetd'],
  },
  // Teaching images: each misbehaves in one well-known way.
  { repo: 'docker.io/wheelhouse/flaky', tags: ['latest', '1.0'], size: 8 * MiB, entrypoint: ['/flaky'], cmd: [] },
  {
    repo: 'docker.io/wheelhouse/slow-start',
    tags: ['latest', '1.0'],
    size: 8 * MiB,
    entrypoint: ['/slow-start'],
    cmd: [],
  },
  { repo: 'docker.io/wheelhouse/memory-hog', tags: ['latest', '1.0'], size: 6 * MiB, entrypoint: ['/hog'], cmd: [] },
  { repo: 'docker.io/wheelhouse/crash', tags: ['latest', '1.0'], size: 6 * MiB, entrypoint: ['/crash'], cmd: [] },
];

/** `nginx` → docker.io/library/nginx:latest, `registry.k8s.io/pause:3.10` stays as is. */
export function normalizeImage(image: string): { repo: string; tag: string; ref: string } {
  let name = image;
  let tag = 'latest';
  const at = name.indexOf('@');
  if (at >= 0) name = name.slice(0, at);
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  const first = name.split('/')[0] ?? '';
  const hasRegistry = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  let repo = hasRegistry ? name : `docker.io/${name}`;
  if (!hasRegistry && !name.includes('/')) repo = `docker.io/library/${name}`;
  return { repo, tag, ref: `${repo}:${tag}` };
}

function digestOf(ref: string): string {
  // A stable fake content digest derived from the reference.
  let h = 0x811c9dc5;
  let out = '';
  for (let round = 0; round < 8; round++) {
    for (let i = 0; i < ref.length; i++) {
      h ^= ref.charCodeAt(i) + round;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    out += h.toString(16).padStart(8, '0');
  }
  return `sha256:${out}`;
}

export function lookupImage(image: string): ImageInfo | undefined {
  const n = normalizeImage(image);
  const r = REPOS.find((x) => x.repo === n.repo);
  if (!r?.tags.includes(n.tag)) return undefined;
  return {
    ref: n.ref,
    repo: n.repo,
    tag: n.tag,
    size: r.size,
    digest: digestOf(n.ref),
    entrypoint: r.entrypoint,
    cmd: r.cmd,
  };
}

/** How long pulling an image takes: connection and manifest, then layers at ~40 MB/s. */
export function pullDuration(size: number): number {
  return 400 + Math.round((size / (40 * 1000 * 1000)) * 1000);
}

/** What a container does, from its image and the command it runs. */
export function behaviourOf(img: ImageInfo, command: string[], args: string[]): Behaviour {
  const argv = command.length > 0 ? [...command, ...args] : [...img.entrypoint, ...(args.length > 0 ? args : img.cmd)];
  const base = img.repo.split('/').pop() ?? '';
  // Shell forms: sh -c "sleep 5; exit 1"
  const shell = argv[0] === 'sh' || argv[0] === '/bin/sh' ? (argv[1] === '-c' ? (argv[2] ?? '') : '') : '';
  const words = shell ? shell.split(/\s*;\s*|\s*&&\s*/).flatMap((s) => [s.trim()]) : [argv.join(' ')];
  let sleep = 0;
  let code: number | undefined;
  const output: string[] = [];
  for (const w of words) {
    const parts = w.split(/\s+/).filter(Boolean);
    const cmd = (parts[0] ?? '').split('/').pop();
    if (cmd === 'sleep') {
      const arg = parts[1] ?? '0';
      if (arg === 'infinity') return { kind: 'sleep-forever' };
      sleep += Number.parseFloat(arg) * 1000 || 0;
    } else if (cmd === 'echo')
      output.push(
        parts
          .slice(1)
          .join(' ')
          .replace(/^["']|["']$/g, ''),
      );
    else if (cmd === 'date') output.push('__DATE__');
    else if (cmd === 'true') code = 0;
    else if (cmd === 'false') code = 1;
    else if (cmd === 'exit') code = Number(parts[1] ?? 0);
  }
  switch (base) {
    case 'nginx':
      if (command.length === 0 && args.length === 0)
        return {
          kind: 'server',
          port: 80,
          startup: 300,
          banner: [
            '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
            '/docker-entrypoint.sh: Configuration complete; ready for start up',
            'nginx/1.27.5',
            'start worker processes',
          ],
          page: NGINX_PAGE,
        };
      break;
    case 'httpd':
      if (command.length === 0)
        return {
          kind: 'server',
          port: 80,
          startup: 300,
          banner: [
            "AH00558: httpd: Could not reliably determine the server's fully qualified domain name",
            'Apache/2.4.63 (Unix) configured -- resuming normal operations',
          ],
          page: '<html><body><h1>It works!</h1></body></html>\n',
        };
      break;
    case 'redis':
      if (command.length === 0)
        return {
          kind: 'server',
          port: 6379,
          startup: 200,
          banner: [
            'oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo',
            'Server initialized',
            'Ready to accept connections tcp',
          ],
        };
      break;
    case 'postgres':
    case 'mysql':
      if (command.length === 0)
        return {
          kind: 'server',
          port: base === 'postgres' ? 5432 : 3306,
          startup: 3000,
          banner: [`${base} database system is ready to accept connections`],
        };
      break;
    case 'coredns':
      return {
        kind: 'server',
        port: 53,
        startup: 500,
        banner: ['.:53', 'CoreDNS-1.12.0', 'linux/amd64, go1.23.3, 51e11f1'],
        // CoreDNS also serves health (8080), ready (8181) and metrics (9153).
        alsoListens: [8080, 8181, 9153],
      };
    case 'kube-proxy':
    case 'kindnetd':
    case 'local-path-provisioner':
    case 'pause':
    case 'etcd':
    case 'kube-apiserver':
    case 'kube-controller-manager':
    case 'kube-scheduler':
      return { kind: 'sleep-forever' };
    case 'agnhost':
      return { kind: 'server', port: 9376, startup: 100, banner: [] };
    case 'flaky':
      return { kind: 'degrading', port: 8080, healthyFor: 30_000 };
    case 'slow-start':
      return { kind: 'slow-ready', port: 8080, readyAfter: 20_000 };
    case 'memory-hog':
      return { kind: 'memory-hog', bytesPerSecond: 50 * MiB };
    case 'crash':
      return {
        kind: 'exit',
        after: 2000,
        code: 1,
        output: ['panic: something went wrong', 'goroutine 1 [running]:', 'main.main()'],
      };
  }
  if (sleep > 0 || code !== undefined || output.length > 0)
    return { kind: 'exit', after: Math.max(sleep, 50), code: code ?? 0, output };
  // A shell or interpreter with nothing to run exits at once (stdin is closed).
  return { kind: 'exit', after: 50, code: 0, output: [] };
}
