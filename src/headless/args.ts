/** Command-line flags of the headless runner. */
export interface ServeArgs {
  port: number;
  etcdPort: number;
  seed: number;
  speed: 'max' | number;
  workers: number;
  config?: string;
  only?: 'etcd';
  /** kube-proxy mode (`--proxy-mode`, as kube-proxy's flag); overrides a kind config's networking.kubeProxyMode. */
  proxyMode?: 'iptables' | 'ipvs';
}

export class ArgError extends Error {}

export function parseServeArgs(argv: string[]): ServeArgs {
  const a: ServeArgs = { port: 6443, etcdPort: 2379, seed: 1, speed: 1, workers: 2 };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    const [flag, inline] = raw.includes('=') ? (raw.split(/=(.*)/s, 2) as [string, string]) : [raw, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new ArgError(`flag ${flag} needs a value`);
      return v;
    };
    const int = (name: string, min: number, max: number): number => {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < min || n > max)
        throw new ArgError(`${name} must be an integer from ${min} to ${max}, got "${v}"`);
      return n;
    };
    switch (flag) {
      case '--port':
        a.port = int('--port', 0, 65535);
        break;
      case '--etcd-port':
        a.etcdPort = int('--etcd-port', 0, 65535);
        break;
      case '--seed':
        a.seed = int('--seed', 0, 2 ** 31 - 1);
        break;
      case '--speed': {
        const v = value();
        if (v === 'max') a.speed = 'max';
        else {
          const f = Number(v);
          if (!Number.isFinite(f) || f <= 0)
            throw new ArgError(`--speed must be "max" or a positive factor, got "${v}"`);
          a.speed = f;
        }
        break;
      }
      case '--nodes':
        a.workers = int('--nodes', 0, 1000);
        break;
      case '--config':
        a.config = value();
        break;
      case '--only': {
        const v = value();
        if (v !== 'etcd') throw new ArgError(`--only supports "etcd", got "${v}"`);
        a.only = 'etcd';
        break;
      }
      case '--proxy-mode': {
        const v = value();
        if (v !== 'iptables' && v !== 'ipvs') throw new ArgError(`--proxy-mode must be iptables or ipvs, got "${v}"`);
        a.proxyMode = v;
        break;
      }
      default:
        throw new ArgError(`unknown flag ${flag}`);
    }
  }
  return a;
}
