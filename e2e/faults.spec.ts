import { expect, requireChromium, test } from './fixtures.ts';

requireChromium();

test('stopping a kubelet from its button shows it stopped; starting it brings it back', async ({ app, page }) => {
  await app.open();
  await page.getByRole('button', { name: 'Stop kubelet@kind-worker', exact: true }).click();
  const kubelet = app.component('kubelet@kind-worker');
  await expect(kubelet).toHaveAttribute('data-status', 'stopped');
  await expect(app.component('containerd@kind-worker')).toHaveAttribute('data-status', 'running');
  await page.getByRole('button', { name: 'Start kubelet@kind-worker', exact: true }).click();
  await expect(kubelet).toHaveAttribute('data-status', 'running');
});

test('powering a node off stops every agent on it', async ({ app, page }) => {
  await app.open();
  await page.getByRole('button', { name: 'Power off node kind-worker', exact: true }).click();
  for (const a of ['kubelet@kind-worker', 'containerd@kind-worker', 'kube-proxy@kind-worker']) {
    await expect(app.component(a)).toHaveAttribute('data-status', 'stopped');
  }
  await page.getByRole('button', { name: 'Power on node kind-worker', exact: true }).click();
  await expect(app.component('kubelet@kind-worker')).toHaveAttribute('data-status', 'running');
  await app.screenshot('07-node-power');
});
