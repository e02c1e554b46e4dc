import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, requireChromium, test } from './fixtures.ts';

requireChromium();

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe finds no serious or critical violations, in English and in Korean', async ({ app, page }) => {
  // Two full axe scans of a page holding a live cluster's message log.
  test.setTimeout(90_000);
  await app.open();
  await app.showOnly('etcdctl');
  await app.etcdctl('etcdctl put /demo/a11y 1');
  await app.etcdctl('etcdctl watch /demo --prefix');
  await app.etcdctl('etcdctl get /demo --prefix');
  await app.etcdctl('nope');
  await expect(app.etcdctlRows('etcd.range.result')).toHaveCount(1);
  // Audit a still page: paused, the log stops changing under axe.
  await page.getByRole('button', { name: 'Pause' }).click();
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByRole('combobox', { name: 'Language' }).selectOption('ko');
  await expect(page.getByRole('button', { name: '재생' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('the console works from the keyboard alone', async ({ app, page }) => {
  await app.open();
  // The first Tab stop is the skip link; following it lands in the console input.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to the console' })).toBeFocused();
  await page.keyboard.press('Enter');
  let guard = 0;
  while (!(await app.consoleInput.evaluate((el) => el === document.activeElement)) && guard++ < 40) {
    await page.keyboard.press('Tab');
  }
  await expect(app.consoleInput).toBeFocused();
  await page.keyboard.type('etcdctl put /demo/keys typed');
  await page.keyboard.press('Enter');
  await expect(app.consoleOutput).toContainText('OK');
  // The play button is reachable and operable with the keyboard too.
  await page.getByRole('button', { name: 'Pause' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Play' })).toBeFocused();
});

test('with reduced motion asked for, nothing animates', async ({ app, page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await app.open();
  await app.showOnly('etcdctl');
  await app.etcdctl('etcdctl put /demo/calm 1');
  await expect(app.etcdctlRows()).toHaveCount(2);
  const animations = await page.evaluate(() =>
    [...document.querySelectorAll('*')].map((el) => getComputedStyle(el).animationName).filter((n) => n !== 'none'),
  );
  expect(animations).toEqual([]);
});
