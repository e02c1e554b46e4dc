/**
 * Relay throughput in Chromium: builds bench/browser with Vite, serves bench/browser/dist from a
 * tiny static server on 127.0.0.1, opens the page in headless Chromium and waits for
 * window.__benchResult.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserParams, BrowserResult } from './browser/pair-browser.ts';
import { serveStatic } from './lib/static-server.ts';

const browserDir = fileURLToPath(new URL('./browser/', import.meta.url));
const distDir = join(browserDir, 'dist');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export type BrowserOutcome = { ok: true; result: BrowserResult } | { ok: false; skipped: boolean; reason: string };

async function buildPage(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(browserDir, 'vite.config.ts'), logLevel: 'warn' });
}

/** `thread`: where the page runs the relay and the forwarder, a dedicated worker (as the app does) or the page. */
export async function browserRelayBench(
  params: BrowserParams,
  timeoutMs: number,
  thread: 'worker' | 'page' = 'worker',
): Promise<BrowserOutcome> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    return { ok: false, skipped: true, reason: `no Chromium at ${executablePath} (set CHROMIUM_PATH)` };
  }
  let chromium: typeof import('@playwright/test').chromium;
  try {
    ({ chromium } = await import('@playwright/test'));
  } catch (e) {
    return { ok: false, skipped: true, reason: `cannot load @playwright/test: ${(e as Error).message}` };
  }
  await buildPage();
  const server = await serveStatic(distDir);
  const port = (server.address() as AddressInfo).port;
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  try {
    try {
      browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    } catch (e) {
      return { ok: false, skipped: true, reason: `Chromium did not start: ${(e as Error).message.split('\n')[0]}` };
    }
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const url = `http://127.0.0.1:${port}/?params=${encodeURIComponent(JSON.stringify(params))}&relay=${thread}`;
    await page.goto(url);
    try {
      await page.waitForFunction(() => window.__benchResult !== undefined, null, { timeout: timeoutMs, polling: 250 });
    } catch {
      return { ok: false, skipped: false, reason: `no result within ${timeoutMs} ms ${errors.join('; ')}`.trim() };
    }
    const outcome = await page.evaluate(() => window.__benchResult);
    if (!outcome) return { ok: false, skipped: false, reason: 'empty result' };
    if (!outcome.ok) return { ok: false, skipped: false, reason: outcome.error };
    return { ok: true, result: outcome.result as BrowserResult };
  } finally {
    await browser?.close();
    await new Promise((r) => server.close(r));
  }
}
