/**
 * The app itself in Chromium (`npm run bench -- ui`): how soon a visitor can type, how much
 * JavaScript the first paint waits for, and how smooth the map stays while pods are created with
 * every message drawn as a moving packet.
 *
 * - Size: `vite build` of the app into bench/results/ui-dist/ (not the shared dist/). The eager JS
 *   is what dist/index.html loads before anything else: its module scripts, their modulepreload
 *   links, and the chunks those import statically; each is gzipped with node:zlib (level 6, what
 *   a web server uses). Everything else in dist/assets (workers, lazy chunks) is lazy.
 * - Load: a fresh browser context per load (empty cache), `/?workers=2`; an init script records,
 *   on the page's clock (0 = navigation start), when the map first shows a node and when the
 *   console's textbox (accessible name "kubectl command") becomes enabled. First contentful paint
 *   comes from the Paint Timing API. Median of 5 loads.
 * - Frames: `/?workers=N`, once every node is on the map and Ready, and 2 s more. A
 *   requestAnimationFrame loop in the page stores each frame's timestamp. Windows: idle, then
 *   `kubectl create deployment web --image=nginx --replicas=P` at 1×, then the Speed select set to
 *   Max, then (a control) the clock paused with the same map on screen. Per window: median and
 *   5th-percentile of per-second frame counts, frames longer than 50 ms, main-thread long tasks,
 *   the share of a core the page's main thread got (Chromium's `toplevel` trace category), and the
 *   pods the map shows Running at its end.
 * - Profile (`--ui-profile`): one more run of each scene on an unminified build, with a
 *   Chromium trace (self CPU time per trace event on the page's main thread), the V8 sampling
 *   profiler (self and inclusive shares per function), React commits and component renders (through
 *   the DevTools hook), and DOM counts. Its numbers are for finding costs, not for comparing with
 *   the measured lines (the profiler and the hook cost time themselves).
 *
 *   node --import tsx bench/browser-ui.ts [--quick] [--ui-profile] [--ui-parts size,load,fps10,fps100]
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { MIME, serveStatic } from './lib/static-server.ts';
import type { BenchLine } from './line.ts';
import { CHROMIUM_ARGS } from './relay-browser.ts';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

export type UiLine = BenchLine;

export type UiPart = 'size' | 'load' | 'fps10' | 'fps100';
export const UI_PARTS: UiPart[] = ['size', 'load', 'fps10', 'fps100'];

export interface UiOptions {
  quick: boolean;
  log: (s: string) => void;
  /** Which parts to run (all by default). */
  parts?: UiPart[];
  /** Also profile both scenes (slower; prints what costs time on the page's main thread). */
  profile?: boolean;
}

/** The issue's goals (#6). */
export const UI_GOALS = {
  interactiveMs: 1500,
  initialJsKb: 400,
  fps: { w10: 55, w100: 30 },
};

export interface Scene {
  key: 'w10' | 'w100';
  workers: number;
  pods: number;
  /** Longest wait for the console to be enabled and every node to be on the map. */
  bootCapMs: number;
}

export const SCENES: Scene[] = [
  { key: 'w10', workers: 10, pods: 100, bootCapMs: 120_000 },
  { key: 'w100', workers: 100, pods: 1000, bootCapMs: 300_000 },
];

const VIEWPORT = { width: 1440, height: 900 };
/** Rendering keeps going in a page nobody looks at (headless has no visibility, but be sure). */
const UI_CHROMIUM_ARGS = [
  ...CHROMIUM_ARGS,
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
];

// ---- build and size ------------------------------------------------------------------------------

interface ChunkInfo {
  fileName: string;
  modules?: Record<string, { renderedLength: number }>;
}

/** Builds the app into `outDir` with the repository's Vite config; returns the entry chunks' modules. */
async function buildApp(outDir: string, minify: boolean): Promise<ChunkInfo[]> {
  const { build } = await import('vite');
  const out = await build({
    root: repoRoot,
    configFile: join(repoRoot, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true, minify, reportCompressedSize: false },
  });
  const outputs = Array.isArray(out) ? out : [out];
  const chunks: ChunkInfo[] = [];
  for (const o of outputs) {
    if (!('output' in o)) continue;
    for (const c of o.output) if (c.type === 'chunk') chunks.push({ fileName: c.fileName, modules: c.modules });
  }
  return chunks;
}

export interface SizeReport {
  /** Eager JS files (relative to dist) and their gzip bytes. */
  eager: { file: string; bytes: number; gzip: number }[];
  eagerGzip: number;
  /** Every .js under dist/assets. */
  all: { file: string; bytes: number; gzip: number }[];
  allGzip: number;
  cssGzip: number;
}

const gz = (b: Buffer) => gzipSync(b, { level: 6 }).length;

/** The JS index.html loads eagerly: module scripts, modulepreloads, and their static imports. */
export function sizeReport(dist: string): SizeReport {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const start = new Set<string>();
  for (const m of html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g)) start.add(m[1] as string);
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)) start.add(m[1] as string);
  const seen = new Set<string>();
  const queue = [...start].map((s) => s.replace(/^\//, ''));
  while (queue.length > 0) {
    const f = queue.shift() as string;
    if (seen.has(f) || !existsSync(join(dist, f))) continue;
    seen.add(f);
    const code = readFileSync(join(dist, f), 'utf8');
    const dir = f.slice(0, f.lastIndexOf('/') + 1);
    // Static imports only (`import … from "./x.js"`, `import "./x.js"`); `import("./x.js")` is lazy.
    for (const m of code.matchAll(/\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g)) {
      queue.push(
        normalize(join(dir, m[1] as string))
          .split(sep)
          .join('/'),
      );
    }
  }
  const entry = (file: string) => {
    const b = readFileSync(join(dist, file));
    return { file, bytes: b.length, gzip: gz(b) };
  };
  const eager = [...seen].map(entry);
  const assets = readdirSync(join(dist, 'assets'));
  const all = assets.filter((f) => f.endsWith('.js')).map((f) => entry(`assets/${f}`));
  const cssGzip = assets.filter((f) => f.endsWith('.css')).reduce((a, f) => a + entry(`assets/${f}`).gzip, 0);
  const sum = (xs: { gzip: number }[]) => xs.reduce((a, x) => a + x.gzip, 0);
  return { eager, eagerGzip: sum(eager), all, allGzip: sum(all), cssGzip };
}

/** The biggest source packages in the entry chunk, by rendered (pre-minify) length. */
function entryComposition(chunks: ChunkInfo[], eagerFiles: string[]): [string, number][] {
  const by = new Map<string, number>();
  for (const c of chunks) {
    if (!eagerFiles.includes(c.fileName) || !c.modules) continue;
    for (const [id, m] of Object.entries(c.modules)) {
      const nm = id.lastIndexOf('node_modules/');
      let key: string;
      if (nm >= 0) {
        const rest = id.slice(nm + 'node_modules/'.length).split('/');
        key = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? id);
      } else {
        const rel = id.startsWith(repoRoot) ? id.slice(repoRoot.length) : id;
        key = rel.split('/').slice(0, 3).join('/');
      }
      by.set(key, (by.get(key) ?? 0) + m.renderedLength);
    }
  }
  return [...by].sort((a, b) => b[1] - a[1]);
}

// ---- serving -------------------------------------------------------------------------------------

/** A page with nothing on it: how often this Chromium runs frames at all. */
const BLANK = '/__blank';

function serve(root: string): Promise<Server> {
  return serveStatic(root, (path, res) => {
    if (path !== BLANK) return false;
    res
      .writeHead(200, { 'content-type': MIME['.html'] as string })
      .end('<!doctype html><title>blank</title><p>blank</p>');
    return true;
  });
}

// ---- in the page ---------------------------------------------------------------------------------
// Plain JS strings: functions passed to page.evaluate would carry tsx's helpers with them.

/** Installed before the app's scripts: load marks, a frame recorder, long tasks. */
const RECORDER = `(() => {
  const ui = { ready: 0, firstNode: 0, recording: false, frames: [], longTasks: [] };
  window.__ui = ui;
  const enabled = () => {
    for (const el of document.querySelectorAll('input')) {
      if (el.disabled) continue;
      for (const l of el.labels || []) if (l.textContent.trim() === 'kubectl command') return true;
    }
    return false;
  };
  const mo = new MutationObserver(() => {
    const now = performance.now();
    if (!ui.firstNode && document.querySelector('.react-flow [aria-label^="Node "]')) ui.firstNode = now;
    if (!ui.ready && enabled()) ui.ready = now;
    if (ui.ready && ui.firstNode) mo.disconnect();
  });
  mo.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) ui.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  const frame = (t) => {
    if (ui.recording) ui.frames.push(t);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();`;

/** Pods of Deployment `web` on the map, those Running, and packets in flight. */
const SAMPLE = `(() => {
  let pods = 0, running = 0;
  const statuses = {};
  for (const b of document.querySelectorAll('.react-flow button[aria-label^="pod web-"]')) {
    pods++;
    const status = b.getAttribute('aria-label').split(' ').slice(2).join(' ');
    statuses[status] = (statuses[status] || 0) + 1;
    if (status === 'Running') running++;
  }
  return { pods, running, statuses, packets: document.querySelectorAll('.react-flow g.packet').length };
})()`;

const NODES_ON_MAP = `document.querySelectorAll('.react-flow [aria-label^="Node "]').length`;
/** Nodes on the map whose box says Ready (an element whose whole text is "Ready"). */
const NODES_READY = `[...document.querySelectorAll('.react-flow [aria-label^="Node "]')].filter((n) =>
  [...n.querySelectorAll('span')].some((e) => e.textContent === 'Ready')).length`;

const DOM_COUNTS = `(() => ({
  elements: document.getElementsByTagName('*').length,
  flowNodes: document.querySelectorAll('.react-flow__node').length,
  flowEdges: document.querySelectorAll('.react-flow__edge').length,
  pods: document.querySelectorAll('.react-flow button[aria-label^="pod "]').length,
  packets: document.querySelectorAll('.react-flow g.packet').length,
  animateMotion: document.getElementsByTagName('animateMotion').length,
  logRows: document.querySelectorAll('[role="log"] tbody tr').length,
}))()`;

interface Marks {
  ready: number;
  firstNode: number;
  fcp: number;
  domContentLoaded: number;
  /** When the relay worker's script arrived, and the first and last host worker's. */
  relayScript: number;
  firstHostScript: number;
  lastHostScript: number;
  hostScripts: number;
}

const MARKS = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const out = {
    ready: window.__ui.ready,
    firstNode: window.__ui.firstNode,
    fcp: fcp ? fcp.startTime : 0,
    domContentLoaded: nav ? nav.domContentLoadedEventEnd : 0,
    relayScript: 0, firstHostScript: 0, lastHostScript: 0, hostScripts: 0,
  };
  for (const r of performance.getEntriesByType('resource')) {
    if (/relay.worker/.test(r.name) && !out.relayScript) out.relayScript = r.responseEnd;
    if (/(host|etcd).worker/.test(r.name)) {
      out.hostScripts++;
      if (!out.firstHostScript || r.responseEnd < out.firstHostScript) out.firstHostScript = r.responseEnd;
      out.lastHostScript = Math.max(out.lastHostScript, r.responseEnd);
    }
  }
  return out;
})()`;

// ---- statistics ----------------------------------------------------------------------------------

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] as number;
}

export interface FrameStats {
  seconds: number;
  frames: number;
  /** Frames in each whole second of the window. */
  perSecond: number[];
  medianFps: number;
  p5Fps: number;
  meanFps: number;
  /** Frame intervals over 50 ms, and the longest. */
  longFrames: number;
  maxFrameMs: number;
  /** Main-thread long tasks (> 50 ms) that started in the window: count and total ms. */
  longTasks: number;
  longTaskMs: number;
}

export function frameStats(frames: number[], t0: number, t1: number, longTasks: [number, number][]): FrameStats {
  const seconds = Math.floor((t1 - t0) / 1000);
  const perSecond = new Array<number>(seconds).fill(0);
  for (const t of frames) {
    const s = Math.floor((t - t0) / 1000);
    if (s >= 0 && s < seconds) perSecond[s] = (perSecond[s] as number) + 1;
  }
  let longFrames = 0;
  let maxFrameMs = 0;
  for (let i = 1; i < frames.length; i++) {
    const d = (frames[i] as number) - (frames[i - 1] as number);
    if (d > 50) longFrames++;
    if (d > maxFrameMs) maxFrameMs = d;
  }
  const tasks = longTasks.filter(([s]) => s >= t0 && s < t1);
  return {
    seconds,
    frames: frames.length,
    perSecond,
    medianFps: median(perSecond),
    p5Fps: percentile(perSecond, 5),
    meanFps: (frames.length * 1000) / (t1 - t0),
    longFrames,
    maxFrameMs,
    longTasks: tasks.length,
    longTaskMs: tasks.reduce((a, [, d]) => a + d, 0),
  };
}

// ---- runs ----------------------------------------------------------------------------------------

interface PageSample {
  pods: number;
  running: number;
  statuses: Record<string, number>;
  packets: number;
}

async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US', deviceScaleFactor: 1 });
  await context.addInitScript({ content: RECORDER });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

/** Waits for the console to be enabled (checked by accessible name, as a user's tools would). */
async function waitInteractive(page: Page, timeoutMs: number): Promise<void> {
  await page.waitForFunction('window.__ui && window.__ui.ready > 0', null, { timeout: timeoutMs, polling: 100 });
  const box = page.getByRole('textbox', { name: 'kubectl command', exact: true });
  if (!(await box.isEnabled())) throw new Error('the recorder saw the console enabled, but it is not');
}

async function loadOnce(browser: Browser, base: string): Promise<Marks> {
  const { context, page, errors } = await newPage(browser);
  try {
    await page.goto(`${base}/?workers=2`);
    await waitInteractive(page, 60_000);
    await page.waitForFunction('window.__ui.firstNode > 0', null, { timeout: 30_000, polling: 100 });
    if (errors.length > 0) throw new Error(`errors in the page: ${errors.join('; ')}`);
    return (await page.evaluate(MARKS)) as Marks;
  } finally {
    await context.close();
  }
}

interface Window {
  name: string;
  stats: FrameStats;
  end: PageSample;
  maxPackets: number;
  /** The page's main thread: % of wall time inside tasks, and % of one core it got. */
  busyPct?: number;
  cpuPct?: number;
}

/**
 * Records frames for `ms`, sampling the map once a second. With `browser`, also traces Chromium's
 * top-level tasks (a light category) to tell how busy the page's main thread was.
 */
async function record(
  page: Page,
  name: string,
  ms: number,
  log: (s: string) => void,
  browser?: Browser,
): Promise<Window> {
  if (browser) await browser.startTracing(page, { categories: ['toplevel'] });
  const t0 = (await page.evaluate(
    '(window.__ui.frames = [], window.__ui.recording = true, performance.now())',
  )) as number;
  let last: PageSample = { pods: 0, running: 0, statuses: {}, packets: 0 };
  let maxPackets = 0;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    await page.waitForTimeout(Math.min(1000, until - Date.now()));
    last = (await page.evaluate(SAMPLE)) as PageSample;
    maxPackets = Math.max(maxPackets, last.packets);
  }
  const r = (await page.evaluate(
    '(window.__ui.recording = false, { t1: performance.now(), frames: window.__ui.frames, longTasks: window.__ui.longTasks })',
  )) as { t1: number; frames: number[]; longTasks: [number, number][] };
  last = (await page.evaluate(SAMPLE)) as PageSample;
  let main: MainThread | undefined;
  if (browser) {
    const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
    main = traceSelfTimes(trace.traceEvents);
  }
  const stats = frameStats(r.frames, t0, r.t1, r.longTasks);
  const secs = (r.t1 - t0) / 1000;
  log(
    `  ${name} (${((r.t1 - t0) / 1000).toFixed(1)} s): median ${stats.medianFps} fps, p5 ${stats.p5Fps}, mean ${stats.meanFps.toFixed(1)}; ` +
      `${stats.longFrames} frames > 50 ms (longest ${Math.round(stats.maxFrameMs)} ms); ` +
      `${stats.longTasks} long tasks, ${Math.round(stats.longTaskMs)} ms; ` +
      `pods ${JSON.stringify(last.statuses)}, up to ${maxPackets} packets; per second [${stats.perSecond.join(' ')}]` +
      (main
        ? `; main thread busy ${(main.busyMs / secs / 10).toFixed(0)}% of wall time, ${(main.cpuMs / secs / 10).toFixed(0)}% of a core`
        : ''),
  );
  return {
    name,
    stats,
    end: last,
    maxPackets,
    ...(main ? { busyPct: main.busyMs / secs / 10, cpuPct: main.cpuMs / secs / 10 } : {}),
  };
}

/** Frames on an empty page: the ceiling this Chromium gives (60 when rAF is not throttled). */
async function blankFps(browser: Browser, base: string, log: (s: string) => void): Promise<FrameStats> {
  const { context, page } = await newPage(browser);
  try {
    await page.goto(`${base}${BLANK}`);
    return (await record(page, 'blank page', 3000, log)).stats;
  } finally {
    await context.close();
  }
}

interface SceneResult {
  bootMs: number;
  nodesMs: number;
  readyMs: number;
  windows: Window[];
  dom: Record<string, number>;
}

/** Quiet time after every node is Ready, before the first window. */
const SETTLE_MS = 2000;

async function bootScene(
  page: Page,
  base: string,
  s: Scene,
): Promise<{ bootMs: number; nodesMs: number; readyMs: number }> {
  const t = Date.now();
  await page.goto(`${base}/?workers=${s.workers}`);
  await waitInteractive(page, s.bootCapMs);
  const bootMs = (await page.evaluate('window.__ui.ready')) as number;
  // Every node (the workers and kind's control-plane node) drawn on the map.
  await page.waitForFunction(`${NODES_ON_MAP} >= ${s.workers + 1}`, null, {
    timeout: Math.max(10_000, s.bootCapMs - (Date.now() - t)),
    polling: 500,
  });
  const nodesMs = (await page.evaluate('performance.now()')) as number;
  // …and Ready: the cluster has settled into its steady traffic (leases, status updates).
  await page.waitForFunction(`${NODES_READY} >= ${s.workers + 1}`, null, {
    timeout: Math.max(10_000, s.bootCapMs - (Date.now() - t)),
    polling: 500,
  });
  const readyMs = (await page.evaluate('performance.now()')) as number;
  await page.waitForTimeout(SETTLE_MS);
  return { bootMs, nodesMs, readyMs };
}

async function createDeployment(page: Page, replicas: number): Promise<void> {
  const box = page.getByRole('textbox', { name: 'kubectl command', exact: true });
  await box.fill(`kubectl create deployment web --image=nginx --replicas=${replicas}`);
  await box.press('Enter');
}

async function runScene(
  browser: Browser,
  base: string,
  s: Scene,
  windowMs: number,
  log: (s: string) => void,
): Promise<SceneResult> {
  const { context, page, errors } = await newPage(browser);
  try {
    const { bootMs, nodesMs, readyMs } = await bootScene(page, base, s);
    log(
      `  ${s.workers} nodes: console enabled at ${Math.round(bootMs)} ms, all nodes on the map at ` +
        `${Math.round(nodesMs)} ms, all Ready at ${Math.round(readyMs)} ms; load average ${loadavg()[0]?.toFixed(1)}`,
    );
    const windows: Window[] = [];
    windows.push(await record(page, 'idle', Math.min(windowMs, 5000), log, browser));
    await createDeployment(page, s.pods);
    windows.push(await record(page, '1x', windowMs, log, browser));
    await page.getByRole('combobox', { name: 'Speed', exact: true }).selectOption('max');
    windows.push(await record(page, 'max', windowMs, log, browser));
    // A control: the clock paused, the workers idle, the same map on screen. What is left is the
    // page's own cost of showing it (and of whatever else runs on the machine).
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.waitForTimeout(1000);
    windows.push(await record(page, 'paused', 5000, log, browser));
    const dom = (await page.evaluate(DOM_COUNTS)) as Record<string, number>;
    log(`  DOM at the end: ${JSON.stringify(dom)}`);
    if (errors.length > 0) log(`  errors in the page: ${errors.join('; ')}`);
    return { bootMs, nodesMs, readyMs, windows, dom };
  } finally {
    await context.close();
  }
}

// ---- profiling -----------------------------------------------------------------------------------

/**
 * A stand-in for React DevTools' global hook: React (production builds too) reports every commit
 * to it. Counts commits and, per component name, the renders in them. A component fiber rendered
 * in a commit when it is not the very object the previous commit left in the tree (a subtree React
 * skipped keeps its old fibers, flags and all) and it either is new (no alternate: mounted) or
 * carries React's PerformedWork flag.
 */
const REACT_HOOK = `(() => {
  const renders = new Map();
  const stats = { commits: 0, fibers: 0, walkMs: 0, renders };
  window.__reactStats = stats;
  const COMPONENT = new Set([0, 1, 11, 14, 15]);
  const nameOf = (f) => {
    const t = f.type;
    if (!t) return '?';
    if (typeof t === 'function') return t.displayName || t.name || 'anonymous';
    if (t.displayName) return t.displayName;
    const inner = t.type || t.render;
    return inner ? inner.displayName || inner.name || 'anonymous' : '?';
  };
  let previous = new Set();
  function benchFiberWalk(root) {
    const t = performance.now();
    const now = new Set();
    const stack = [root.current];
    while (stack.length) {
      const f = stack.pop();
      now.add(f);
      stats.fibers++;
      if (COMPONENT.has(f.tag) && !previous.has(f) && (f.alternate === null || (f.flags & 1) === 1)) {
        const n = nameOf(f);
        renders.set(n, (renders.get(n) || 0) + 1);
      }
      if (f.sibling) stack.push(f.sibling);
      if (f.child) stack.push(f.child);
    }
    previous = now;
    stats.walkMs += performance.now() - t;
  }
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject(r) { this.renderers.set(1, r); return 1; },
    checkDCE() {},
    onScheduleFiberRoot() {},
    onCommitFiberRoot(_id, root) { stats.commits++; benchFiberWalk(root); },
    onCommitFiberUnmount() {},
    onPostCommitFiberRoot() {},
    setStrictMode() {},
  };
})();`;

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

export interface MainThread {
  /** Self CPU time (ms) per trace-event name (wall time where an event has no CPU time). */
  byName: [string, number][];
  /** From the first event's start to the last one's end. */
  spanMs: number;
  /** Wall time inside top-level events, and the CPU time the thread got in them (`tdur`). */
  busyMs: number;
  cpuMs: number;
}

/**
 * The renderer main thread (the busiest one, which is the app's page) in a Chromium trace: self
 * CPU time per event name, and how long it was busy, in wall time and in CPU time. Wall well above
 * CPU means the thread was ready to run but had no core (the workers or other processes had them);
 * CPU time is what the work would cost on an idle machine.
 */
export function traceSelfTimes(events: TraceEvent[]): MainThread {
  let main: { pid: number; tid: number } | undefined;
  const mains: { pid: number; tid: number }[] = [];
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain') mains.push(e);
  }
  // The busiest renderer main thread is the app's page.
  let most = -1;
  for (const m of mains) {
    const n = events.filter((e) => e.pid === m.pid && e.tid === m.tid && e.ph === 'X').length;
    if (n > most) {
      most = n;
      main = m;
    }
  }
  if (!main) return { byName: [], spanMs: 0, busyMs: 0, cpuMs: 0 };
  const xs = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || (b.dur as number) - (a.dur as number));
  const self = new Map<string, number>();
  const stack: { end: number; name: string }[] = [];
  let busy = 0;
  let cpu = 0;
  for (const e of xs) {
    while (stack.length > 0 && (stack.at(-1) as { end: number }).end <= e.ts) stack.pop();
    const parent = stack.at(-1);
    const dur = e.dur as number;
    const tdur = e.tdur ?? dur;
    if (!parent) {
      busy += dur;
      cpu += tdur;
    }
    self.set(e.name, (self.get(e.name) ?? 0) + tdur);
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - tdur);
    stack.push({ end: e.ts + dur, name: e.name });
  }
  const first = xs[0]?.ts ?? 0;
  const lastEnd = xs.reduce((a, e) => Math.max(a, e.ts + (e.dur as number)), first);
  return {
    byName: [...self].map(([n, us]) => [n, us / 1000] as [string, number]).sort((a, b) => b[1] - a[1]),
    spanMs: (lastEnd - first) / 1000,
    busyMs: busy / 1000,
    cpuMs: cpu / 1000,
  };
}

interface CpuProfile {
  nodes: {
    id: number;
    parent?: number;
    children?: number[];
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self and inclusive time (ms) per function in a V8 CPU profile, grouped by name and file line.
 * Inclusive time counts a function once per sample however deep it recurses.
 */
export function profileTimes(p: CpuProfile): { self: [string, number][]; inclusive: [string, number][] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (id: number) => {
    const f = (byId.get(id) as CpuProfile['nodes'][number]).callFrame;
    const file = f.url.split('/').pop() || '';
    return `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
  };
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i] as number;
    if (!byId.has(id)) continue;
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    const k = keyOf(id);
    self.set(k, (self.get(k) ?? 0) + ms);
    const onStack = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) onStack.add(keyOf(n));
    for (const key of onStack) incl.set(key, (incl.get(key) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { self: sorted(self), inclusive: sorted(incl) };
}

/** Generic frames every stack goes through: left out of the inclusive list. */
const GENERIC =
  /^\((root|program|idle|garbage collector|anonymous)\)|^(performWorkUntilDeadline|flushWork|workLoop|runTask|processRootSchedule|performWorkOnRoot|performWorkOnRootViaSchedulerTask|flushSyncWorkAcrossRoots_impl|flushSyncWorkOnAllRoots|scheduleImmediateRootScheduleTask|commitRoot|commitRootImpl|flushPassiveEffects|renderRootSync|workLoopSync|performUnitOfWork|beginWork|completeUnitOfWork|runWithFiberInDEV|flushSpawnedWork|flushLayoutEffects|flushMutationEffects|dispatchEvent|batchedUpdates|listener|callback|(anonymous)) /;

async function profilePhase(
  browser: Browser,
  page: Page,
  cdp: import('@playwright/test').CDPSession,
  name: string,
  windowMs: number,
  before: () => Promise<void>,
  log: (s: string) => void,
): Promise<void> {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'v8.execute', 'blink'] });
  await page.evaluate(
    '(window.__reactStats.commits = 0, window.__reactStats.fibers = 0, window.__reactStats.walkMs = 0, window.__reactStats.renders.clear())',
  );
  await cdp.send('Profiler.start');
  await before();
  await record(page, `profiled ${name}`, windowMs, log);
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
  const react = (await page.evaluate(
    '({ commits: __reactStats.commits, fibers: __reactStats.fibers, walkMs: __reactStats.walkMs, renders: [...__reactStats.renders].sort((a, b) => b[1] - a[1]).slice(0, 16) })',
  )) as { commits: number; fibers: number; walkMs: number; renders: [string, number][] };
  const dom = (await page.evaluate(DOM_COUNTS)) as Record<string, number>;

  const secs = windowMs / 1000;
  const t = traceSelfTimes(trace.traceEvents);
  log(
    `profile ${name}: main thread busy ${t.busyMs.toFixed(0)} ms wall, ${t.cpuMs.toFixed(0)} ms CPU, of ${t.spanMs.toFixed(0)} ms traced; self CPU per trace event (ms): ` +
      t.byName
        .slice(0, 12)
        .map(([n, ms]) => `${n} ${ms.toFixed(0)}`)
        .join(', '),
  );
  // Sampling intervals are wall time, so on a loaded machine only the shares mean much.
  const v8 = profileTimes(profile);
  const sampled = v8.self.filter(([n]) => !n.startsWith('(idle)')).reduce((a, [, ms]) => a + ms, 0);
  const pct = (ms: number) => `${((100 * ms) / sampled).toFixed(1)}%`;
  log(
    `profile ${name}: V8 self, share of non-idle samples: ${v8.self
      .filter(([n]) => !n.startsWith('(idle)'))
      .slice(0, 16)
      .map(([n, ms]) => `${n} ${pct(ms)}`)
      .join(', ')}`,
  );
  log(
    `profile ${name}: V8 inclusive, share: ${v8.inclusive
      .filter(([n]) => !GENERIC.test(`${n} `))
      .slice(0, 24)
      .map(([n, ms]) => `${n} ${pct(ms)}`)
      .join(', ')}`,
  );
  log(
    `profile ${name}: React ${react.commits} commits (${(react.commits / secs).toFixed(1)}/s), ` +
      `${Math.round(react.fibers / Math.max(1, react.commits))} fibers each (hook walk ${react.walkMs.toFixed(0)} ms); renders: ` +
      react.renders.map(([n, c]) => `${n} ${c}`).join(', '),
  );
  log(`profile ${name}: DOM ${JSON.stringify(dom)}`);
}

async function profileScene(
  browser: Browser,
  base: string,
  s: Scene,
  windowMs: number,
  log: (s: string) => void,
): Promise<void> {
  const { context, page, errors } = await newPage(browser);
  await context.addInitScript({ content: REACT_HOOK });
  try {
    await bootScene(page, base, s);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    const phase = (name: string, ms: number, before: () => Promise<void>) =>
      profilePhase(browser, page, cdp, `${s.key} ${name}`, ms, before, log);
    await phase('idle', Math.min(windowMs, 5000), async () => {});
    await phase('1x', windowMs, () => createDeployment(page, s.pods));
    await phase('max', windowMs, async () => {
      await page.getByRole('combobox', { name: 'Speed', exact: true }).selectOption('max');
    });
    if (errors.length > 0) log(`profile: errors in the page: ${errors.join('; ')}`);
  } finally {
    await context.close();
  }
}

// ---- the section ---------------------------------------------------------------------------------

const kb = (b: number) => b / 1024;

export async function uiBench(o: UiOptions): Promise<UiLine[]> {
  const parts = new Set(o.parts ?? UI_PARTS);
  const lines: UiLine[] = [];
  const skip = (reason: string): UiLine[] => [
    { name: 'ui.load.interactive', value: Number.NaN, unit: 'ms', skipped: true, reason },
  ];
  const windowMs = o.quick ? 8_000 : 15_000;
  const loads = o.quick ? 3 : 5;

  const dist = join(resultsDir, 'ui-dist');
  o.log('ui: building the app (vite build → bench/results/ui-dist)');
  const chunks = await buildApp(dist, true);

  if (parts.has('size')) {
    const r = sizeReport(dist);
    o.log(
      `ui: eager JS ${r.eager.map((e) => `${e.file} ${kb(e.gzip).toFixed(1)} kB gz`).join(', ')}; ` +
        `CSS ${kb(r.cssGzip).toFixed(1)} kB gz`,
    );
    o.log(
      `ui: lazy JS ${r.all
        .filter((a) => !r.eager.some((e) => e.file === a.file))
        .map((e) => `${e.file} ${kb(e.gzip).toFixed(1)} kB gz`)
        .join(', ')}`,
    );
    const comp = entryComposition(
      chunks,
      r.eager.map((e) => e.file),
    );
    const compTotal = comp.reduce((a, [, n]) => a + n, 0);
    o.log(
      `ui: the eager JS by source (pre-minify share): ${comp
        .slice(0, 12)
        .map(([k, n]) => `${k} ${((100 * n) / compTotal).toFixed(0)}%`)
        .join(', ')}`,
    );
    lines.push({ name: 'ui.js.all.gzip', value: kb(r.allGzip), unit: 'kB' });
    lines.push({
      name: 'ui.js.initial.gzip',
      value: kb(r.eagerGzip),
      unit: 'kB',
      baseline: kb(r.allGzip),
      baselineName: 'ui.js.all.gzip',
      ratio: r.eagerGzip / r.allGzip,
      note: `goal < ${UI_GOALS.initialJsKb} kB: ${kb(r.eagerGzip) < UI_GOALS.initialJsKb ? 'met' : 'not met'}`,
    });
  }

  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) return [...lines, ...skip(`no Chromium at ${executablePath} (set CHROMIUM_PATH)`)];
  let chromium: typeof import('@playwright/test').chromium;
  try {
    ({ chromium } = await import('@playwright/test'));
  } catch (e) {
    return [...lines, ...skip(`cannot load @playwright/test: ${(e as Error).message}`)];
  }
  const server = await serve(dist);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let browser: Browser | undefined;
  try {
    try {
      browser = await chromium.launch({ executablePath, args: UI_CHROMIUM_ARGS });
    } catch (e) {
      return [...lines, ...skip(`Chromium did not start: ${(e as Error).message.split('\n')[0]}`)];
    }
    o.log(
      `ui: Chromium ${browser.version()}, viewport ${VIEWPORT.width}×${VIEWPORT.height}, software rendering; ` +
        `load average ${loadavg()
          .map((x) => x.toFixed(1))
          .join(' ')}`,
    );

    if (parts.has('load')) {
      const marks: Marks[] = [];
      await loadOnce(browser, base); // warm-up: the OS file cache and the server
      for (let i = 0; i < loads; i++) {
        const m = await loadOnce(browser, base);
        marks.push(m);
        o.log(
          `ui: load ${i + 1}: FCP ${Math.round(m.fcp)} ms, DOMContentLoaded ${Math.round(m.domContentLoaded)} ms, ` +
            `first node ${Math.round(m.firstNode)} ms, console enabled ${Math.round(m.ready)} ms; ` +
            `scripts in: relay worker ${Math.round(m.relayScript)} ms, ${m.hostScripts} host workers ` +
            `${Math.round(m.firstHostScript)}–${Math.round(m.lastHostScript)} ms`,
        );
      }
      const interactive = median(marks.map((m) => m.ready));
      lines.push({ name: 'ui.load.fcp', value: median(marks.map((m) => m.fcp)), unit: 'ms' });
      lines.push({ name: 'ui.load.first-node', value: median(marks.map((m) => m.firstNode)), unit: 'ms' });
      lines.push({
        name: 'ui.load.interactive',
        value: interactive,
        unit: 'ms',
        note: `?workers=2, median of ${loads}; goal < ${UI_GOALS.interactiveMs} ms: ${interactive < UI_GOALS.interactiveMs ? 'met' : 'not met'}`,
      });
    }

    if (parts.has('fps10') || parts.has('fps100')) {
      const b = await blankFps(browser, base, o.log);
      lines.push({ name: 'ui.fps.blank-page.median', value: b.medianFps, unit: 'fps' });
    }
    for (const s of SCENES) {
      if (!parts.has(s.key === 'w10' ? 'fps10' : 'fps100')) continue;
      const prefix = `ui.fps.${s.key}-p${s.pods}`;
      o.log(`ui: ${s.workers} worker nodes, Deployment of ${s.pods} at 1× then Max, ${windowMs / 1000} s each`);
      let r: SceneResult;
      try {
        r = await runScene(browser, base, s, windowMs, o.log);
      } catch (e) {
        const reason = (e as Error).message.split('\n')[0] as string;
        o.log(`ui: ${s.workers} nodes: ${reason}`);
        lines.push({ name: `${prefix}.1x.median`, value: Number.NaN, unit: 'fps', skipped: true, reason });
        continue;
      }
      const goal = UI_GOALS.fps[s.key];
      lines.push({ name: `ui.boot.${s.key}.interactive`, value: r.bootMs, unit: 'ms' });
      lines.push({ name: `ui.boot.${s.key}.nodes-drawn`, value: r.nodesMs, unit: 'ms' });
      lines.push({ name: `ui.boot.${s.key}.nodes-ready`, value: r.readyMs, unit: 'ms' });
      for (const w of r.windows) {
        const p = `${prefix}.${w.name}`;
        const met = w.stats.medianFps >= goal ? 'met' : 'not met';
        lines.push({
          name: `${p}.median`,
          value: w.stats.medianFps,
          unit: 'fps',
          ...(w.name === '1x' || w.name === 'max' ? { note: `goal ≥ ${goal}: ${met}` } : {}),
        });
        lines.push({ name: `${p}.p5`, value: w.stats.p5Fps, unit: 'fps' });
        lines.push({ name: `${p}.long-frames`, value: w.stats.longFrames, unit: 'frames > 50 ms' });
        if (w.cpuPct !== undefined) lines.push({ name: `${p}.main-cpu`, value: w.cpuPct, unit: '% of a core' });
        if (w.name === '1x' || w.name === 'max') {
          lines.push({ name: `${p}.running`, value: w.end.running, unit: `pods of ${s.pods}` });
        }
      }
      lines.push({ name: `${prefix}.dom-elements`, value: r.dom.elements ?? 0, unit: 'elements' });
    }
  } finally {
    await browser?.close();
    await new Promise((r) => server.close(r));
  }

  if (o.profile) {
    const pdist = join(resultsDir, 'ui-dist-profile');
    o.log('ui: profiling both scenes on an unminified build (bench/results/ui-dist-profile)');
    await buildApp(pdist, false);
    const pserver = await serve(pdist);
    const pbase = `http://127.0.0.1:${(pserver.address() as AddressInfo).port}`;
    const pbrowser = await chromium.launch({ executablePath, args: UI_CHROMIUM_ARGS });
    try {
      for (const sc of SCENES) await profileScene(pbrowser, pbase, sc, o.quick ? 6_000 : 10_000, o.log);
    } finally {
      await pbrowser.close();
      await new Promise((r) => pserver.close(r));
    }
  }
  return lines;
}

// ---- standalone ----------------------------------------------------------------------------------

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--ui-parts');
  const parts = i >= 0 ? (args[i + 1]?.split(',') as UiPart[]) : undefined;
  uiBench({
    quick: args.includes('--quick'),
    profile: args.includes('--ui-profile'),
    log: (s) => process.stderr.write(`bench: ${s}\n`),
    ...(parts ? { parts } : {}),
  }).then(
    (ls) => {
      for (const l of ls) process.stdout.write(`${JSON.stringify(l)}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
