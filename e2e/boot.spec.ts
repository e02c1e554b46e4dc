import { expect, requireChromium, test } from './fixtures.ts';

requireChromium();

test('the page boots the cluster: etcd runs in its own worker', async ({ app, page }) => {
  await app.open();
  await expect(page.getByRole('heading', { level: 1, name: 'Wheelhouse' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  const etcd = app.component('etcd');
  await expect(etcd).toContainText('Running');
  await expect(etcd).not.toContainText('restarted');
  // The clock runs at 1× by default.
  await expect(page.getByRole('combobox', { name: 'Speed' })).toHaveValue('1');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await app.screenshot('01-booted');
});

test('on a phone-sized screen everything fits the width', async ({ app, page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await app.open();
  await app.showOnly('etcdctl');
  await app.etcdctl('etcdctl put /demo/hello world');
  await expect(app.etcdctlRows()).toHaveCount(2);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await app.screenshot('06-narrow');
});
