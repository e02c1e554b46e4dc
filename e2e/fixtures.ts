/**
 * The test fixture every spec uses: skips when there is no Chromium, opens the app, waits for the
 * cluster's workers to boot, and offers small helpers that find things by role and accessible name.
 */
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { chromiumFound, chromiumMissing } from './chromium.ts';

const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));

export class App {
  constructor(readonly page: Page) {}

  /** Opens the app and waits until every planned component's worker has booted. */
  async open(): Promise<void> {
    await this.page.goto('/');
    await expect(this.component('etcd')).toHaveAttribute('data-status', 'running');
    const components = this.page
      .getByRole('list', { name: /cluster components|클러스터 구성 요소/i })
      .getByRole('listitem');
    for (const c of await components.all()) await expect(c).toHaveAttribute('data-status', 'running');
  }

  component(id: string): Locator {
    return this.page.getByRole('listitem', { name: id, exact: true });
  }

  get log(): Locator {
    return this.page.getByRole('log', { name: /message log|메시지 로그/i });
  }

  /** Rows of the message log (header row excluded). */
  get logRows(): Locator {
    return this.log.locator('tbody').getByRole('row');
  }

  /** Trace position of the newest row in the log (rows are numbered in delivery order), or 0. */
  lastRow(): Promise<number> {
    return this.log.evaluate((el) => Number(el.querySelector('tbody tr:last-child')?.getAttribute('data-n') ?? 0));
  }

  /**
   * How many delivered messages the log shows after trace position `n`, leaving out the relay's
   * own records (`@bus.*`, such as a component's annotations of what it just did).
   */
  messagesAfter(n: number): Promise<number> {
    return this.log.evaluate(
      (el, after) =>
        [...el.querySelectorAll('tbody tr')].filter(
          (r) => Number(r.getAttribute('data-n')) > after && !r.querySelector('.kind')?.textContent?.startsWith('@'),
        ).length,
      n,
    );
  }

  /** Filters the message log to one component's traffic (what a learner does on a busy cluster). */
  async showOnly(address: string): Promise<void> {
    await this.page.getByRole('combobox', { name: /^(Component|구성 요소)$/ }).selectOption(address);
  }

  logRowsOfKind(kind: string): Locator {
    return this.logRows.filter({ has: this.page.getByRole('cell', { name: kind, exact: true }) });
  }

  /**
   * Rows of the console's own traffic (etcdctl ⇄ etcd), optionally of one kind. Other components
   * (kube-apiserver and the rest, as they arrive) talk to etcd too; tests count only what they caused.
   */
  etcdctlRows(kind?: string): Locator {
    const mine = this.logRows.filter({ has: this.page.locator('td.route', { hasText: 'etcdctl' }) });
    return kind ? mine.filter({ has: this.page.getByRole('cell', { name: kind, exact: true }) }) : mine;
  }

  get consoleInput(): Locator {
    return this.page.getByRole('textbox', { name: /^(kubectl command|kubectl 명령)$/ });
  }

  get consoleOutput(): Locator {
    return this.page.getByRole('log', { name: /console output|콘솔 출력/i });
  }

  async etcdctl(line: string): Promise<void> {
    await this.consoleInput.fill(line);
    await this.consoleInput.press('Enter');
  }

  /** Types a command into the console (kubectl, etcdctl, or a node shell's). */
  async run(line: string): Promise<void> {
    await this.consoleInput.fill(line);
    await this.consoleInput.press('Enter');
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: `${screenshots}${name}.png`, fullPage: true, animations: 'disabled' });
  }
}

export const test = base.extend<{ app: App }>({
  app: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await use(new App(page));
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});

export { expect };

/** Call at the top of every spec file: skips the file, before any browser starts, when Chromium is missing. */
export function requireChromium(): void {
  test.skip(!chromiumFound, `${chromiumMissing} Browser tests skipped.`);
}
