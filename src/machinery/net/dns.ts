/**
 * Cluster DNS: the pod's resolver configuration as the kubelet sets it, the resolver's search-path
 * expansion, and the answers CoreDNS's kubernetes plugin gives for the cluster zone.
 *
 * Resolver config (pkg/kubelet/network/dns/dns.go GetPodDNS; containerd writes it as
 * `search …`, `nameserver …`, `options …`): dnsPolicy ClusterFirst (the default) gives the cluster
 * DNS service 10.96.0.10, the search path `<ns>.svc.cluster.local svc.cluster.local cluster.local`
 * and `options ndots:5`; Default gives the node's own resolv.conf; None only what dnsConfig says;
 * a host-network pod with ClusterFirst falls back to Default (ClusterFirstWithHostNet does not).
 *
 * Answers (coredns/plugin/kubernetes): `<svc>.<ns>.svc.<zone>` A is the ClusterIP, or for a
 * headless Service the ready endpoint addresses; `<hostname>.<svc>.<ns>.svc.<zone>` a headless
 * endpoint with that hostname; `<a-b-c-d>.<ns>.pod.<zone>` is a-b-c-d (`pods insecure`); PTR for a
 * ClusterIP names the Service. A name in the zone that matches nothing is NXDOMAIN; a name that
 * exists with no record of the asked type is NOERROR with no answer (NODATA). TTL 30 (the
 * Corefile's `ttl 30`). Names outside the zone would be forwarded upstream; the simulated cluster
 * has no upstream, so they are NXDOMAIN (not authoritative).
 */

export const CLUSTER_DOMAIN = 'cluster.local';
export const CLUSTER_DNS = '10.96.0.10';
export const DNS_TTL = 30;

export interface DnsConfig {
  nameservers: string[];
  searches: string[];
  options: string[];
}

/** The node's /etc/resolv.conf on a kind node (Docker's network gateway answers DNS). */
export const NODE_RESOLV: DnsConfig = { nameservers: ['172.18.0.1'], searches: [], options: ['ndots:0'] };

/** GetPodDNS: the resolver configuration a pod gets from its dnsPolicy and dnsConfig. */
export function podDnsConfig(
  namespace: string,
  spec: {
    dnsPolicy?: string;
    hostNetwork?: boolean;
    dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name: string; value?: string }[] };
  },
): DnsConfig {
  let policy = spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'ClusterFirst' && spec.hostNetwork) policy = 'Default';
  let cfg: DnsConfig;
  if (policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet') {
    cfg = {
      nameservers: [CLUSTER_DNS],
      searches: [`${namespace}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN],
      options: ['ndots:5'],
    };
  } else if (policy === 'None') cfg = { nameservers: [], searches: [], options: [] };
  else cfg = structuredClone(NODE_RESOLV);
  const extra = spec.dnsConfig;
  if (extra) {
    for (const n of extra.nameservers ?? []) if (!cfg.nameservers.includes(n)) cfg.nameservers.push(n);
    for (const s of extra.searches ?? []) if (!cfg.searches.includes(s)) cfg.searches.push(s);
    for (const o of extra.options ?? []) {
      const text = o.value !== undefined ? `${o.name}:${o.value}` : o.name;
      const i = cfg.options.findIndex((x) => x.split(':')[0] === o.name);
      if (i >= 0) cfg.options[i] = text;
      else cfg.options.push(text);
    }
  }
  return cfg;
}

/** /etc/resolv.conf as containerd writes it. */
export function resolvConf(c: DnsConfig): string {
  let s = '';
  if (c.searches.length) s += `search ${c.searches.join(' ')}\n`;
  for (const n of c.nameservers) s += `nameserver ${n}\n`;
  if (c.options.length) s += `options ${c.options.join(' ')}\n`;
  return s;
}

export function ndotsOf(c: DnsConfig): number {
  for (const o of c.options) if (o.startsWith('ndots:')) return Number(o.slice(6));
  return 1;
}

/**
 * The names a glibc/musl resolver tries for `name`, in order: a name with a trailing dot as is;
 * one with at least `ndots` dots as is first, then with each search domain; otherwise with each
 * search domain first, then as is.
 */
export function searchCandidates(name: string, c: DnsConfig): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const dots = name.split('.').length - 1;
  const expanded = c.searches.map((s) => `${name}.${s}`);
  return dots >= ndotsOf(c) ? [name, ...expanded] : [...expanded, name];
}

// ---- messages ------------------------------------------------------------------------------------

export type RRType = 'A' | 'AAAA' | 'PTR' | 'SRV' | 'CNAME' | 'TXT' | 'MX' | 'NS' | 'SOA';

export interface Question {
  name: string;
  type: RRType;
}

export interface ResourceRecord {
  name: string;
  type: RRType;
  ttl: number;
  data: string;
}

export interface Answer {
  question: Question;
  rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED';
  /** Authoritative (the cluster zone) or not (forwarded). */
  aa: boolean;
  records: ResourceRecord[];
}

/** A DNS query on the bus (`dns.query`): one socket's questions, as one pod sent them. */
export interface DnsQuery {
  questions: Question[];
  /** Where the client sent it (the kube-dns ClusterIP) and where the node's rules sent it. */
  server: string;
  endpoint: string;
  client: string;
  /** The node whose rules translated it. */
  node: string;
}

export interface DnsReply {
  answers: Answer[];
}

// ---- the kubernetes plugin -----------------------------------------------------------------------

export interface ServiceView {
  namespace: string;
  name: string;
  clusterIP: string;
  type: string;
  externalName?: string;
}

export interface EndpointView {
  namespace: string;
  service: string;
  ip: string;
  hostname?: string;
  ready: boolean;
}

export interface ClusterView {
  services: ServiceView[];
  endpoints: EndpointView[];
  publishNotReady?: Set<string>;
}

function lower(n: string): string {
  return n.toLowerCase().replace(/\.$/, '');
}

/** CoreDNS's answer to one question, from the Services and EndpointSlices it watches. */
export function answer(q: Question, view: ClusterView): Answer {
  const name = lower(q.name);
  const zone = CLUSTER_DOMAIN;
  const ok = (records: ResourceRecord[]): Answer => ({ question: q, rcode: 'NOERROR', aa: true, records });
  const nx: Answer = { question: q, rcode: 'NXDOMAIN', aa: true, records: [] };
  if (q.type === 'PTR') return ptr(q, name, view);
  if (name !== zone && !name.endsWith(`.${zone}`)) return { question: q, rcode: 'NXDOMAIN', aa: false, records: [] };
  const labels = name
    .slice(0, name.length - zone.length)
    .replace(/\.$/, '')
    .split('.')
    .filter(Boolean);
  const rec = (data: string, type: RRType = 'A'): ResourceRecord => ({ name: `${name}.`, type, ttl: DNS_TTL, data });
  // The zone apex and the svc/pod subdomains exist (NODATA for A).
  if (labels.length === 0 || (labels.length === 1 && (labels[0] === 'svc' || labels[0] === 'pod'))) return ok([]);
  const kind = labels[labels.length - 1];
  if (kind === 'pod') {
    if (labels.length !== 3) return labels.length === 2 ? ok([]) : nx;
    const ip = (labels[0] ?? '').replace(/-/g, '.');
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) || ip.split('.').some((o) => Number(o) > 255)) return nx;
    return ok(q.type === 'A' ? [rec(ip)] : []);
  }
  if (kind !== 'svc') return nx;
  if (labels.length === 2) {
    // <ns>.svc: exists when some Service lives in that namespace.
    return view.services.some((s) => s.namespace === labels[0]) ? ok([]) : nx;
  }
  const ns = labels[labels.length - 2] as string;
  const svcName = labels[labels.length - 3] as string;
  const svc = view.services.find((s) => s.namespace === ns && s.name === svcName);
  if (!svc) return nx;
  const readyEps = view.endpoints.filter(
    (e) =>
      e.namespace === ns &&
      e.service === svcName &&
      (e.ready || view.publishNotReady?.has(`${ns}/${svcName}`) === true),
  );
  if (labels.length === 4) {
    const host = labels[0];
    const ep = readyEps.find((e) => e.hostname === host || e.ip.replace(/\./g, '-') === host);
    if (!ep || svc.clusterIP !== 'None') return nx;
    return ok(q.type === 'A' ? [rec(ep.ip)] : []);
  }
  if (labels.length !== 3) return nx;
  if (svc.type === 'ExternalName') {
    if (q.type === 'A' || q.type === 'AAAA' || q.type === 'CNAME')
      return ok([rec(`${svc.externalName ?? ''}.`, 'CNAME')]);
    return ok([]);
  }
  if (q.type !== 'A') return ok([]);
  if (svc.clusterIP && svc.clusterIP !== 'None') return ok([rec(svc.clusterIP)]);
  const ips = [...new Set(readyEps.map((e) => e.ip))];
  // A headless Service without ready endpoints has no records: NXDOMAIN, as the plugin answers.
  return ips.length ? ok(ips.map((ip) => rec(ip))) : nx;
}

function ptr(q: Question, name: string, view: ClusterView): Answer {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/.exec(name);
  if (!m) return { question: q, rcode: 'NXDOMAIN', aa: false, records: [] };
  const ip = `${m[4]}.${m[3]}.${m[2]}.${m[1]}`;
  const rec = (data: string): ResourceRecord => ({ name: `${name}.`, type: 'PTR', ttl: DNS_TTL, data });
  const svc = view.services.find((s) => s.clusterIP === ip);
  if (svc)
    return {
      question: q,
      rcode: 'NOERROR',
      aa: true,
      records: [rec(`${svc.name}.${svc.namespace}.svc.${CLUSTER_DOMAIN}.`)],
    };
  const ep = view.endpoints.find((e) => e.ip === ip && e.hostname);
  if (ep)
    return {
      question: q,
      rcode: 'NOERROR',
      aa: true,
      records: [rec(`${ep.hostname}.${ep.service}.${ep.namespace}.svc.${CLUSTER_DOMAIN}.`)],
    };
  // The reverse zones are the kubernetes plugin's, but `fallthrough in-addr.arpa` hands the rest on.
  return { question: q, rcode: 'NXDOMAIN', aa: false, records: [] };
}

/** Services and EndpointSlices (as the API returns them) reduced to what the plugin reads. */
export function clusterView(services: unknown[], slices: unknown[]): ClusterView {
  const view: ClusterView = { services: [], endpoints: [], publishNotReady: new Set() };
  for (const raw of services) {
    const s = raw as {
      metadata?: { namespace?: string; name?: string };
      spec?: { clusterIP?: string; type?: string; externalName?: string; publishNotReadyAddresses?: boolean };
    };
    const v: ServiceView = {
      namespace: s.metadata?.namespace ?? '',
      name: s.metadata?.name ?? '',
      clusterIP: s.spec?.clusterIP ?? '',
      type: s.spec?.type ?? 'ClusterIP',
    };
    if (s.spec?.externalName) v.externalName = s.spec.externalName;
    if (s.spec?.publishNotReadyAddresses) view.publishNotReady?.add(`${v.namespace}/${v.name}`);
    view.services.push(v);
  }
  for (const raw of slices) {
    const sl = raw as {
      metadata?: { namespace?: string; labels?: { [k: string]: string } };
      addressType?: string;
      endpoints?: { addresses?: string[]; hostname?: string; conditions?: { ready?: boolean } }[];
    };
    if (sl.addressType && sl.addressType !== 'IPv4') continue;
    const service = sl.metadata?.labels?.['kubernetes.io/service-name'];
    if (!service) continue;
    for (const e of sl.endpoints ?? []) {
      for (const ip of e.addresses ?? []) {
        const ev: EndpointView = {
          namespace: sl.metadata?.namespace ?? '',
          service,
          ip,
          ready: e.conditions?.ready !== false,
        };
        if (e.hostname) ev.hostname = e.hostname;
        view.endpoints.push(ev);
      }
    }
  }
  return view;
}

/** The `<a>.<b>.<c>.<d>.in-addr.arpa` name of an IPv4 address. */
export function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}
