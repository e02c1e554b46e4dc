import { expect, requireChromium, test } from './fixtures.ts';

requireChromium();

test('a killed worker is restarted and etcd keeps its acknowledged writes', async ({ app, page }) => {
  await app.open();
  await app.showOnly('etcd');
  await app.etcdctl('etcdctl put /demo/durable yes');
  await expect(app.consoleOutput).toContainText('OK');

  await page.getByRole('button', { name: 'Kill worker: etcd' }).click();
  const etcd = app.component('etcd');
  await expect(etcd).toContainText('restarted 1 time');
  await expect(etcd).toHaveAttribute('data-status', 'running');
  await expect(app.logRowsOfKind('@bus.crashed')).toHaveCount(1);
  await expect(app.logRowsOfKind('@bus.restarted')).toHaveCount(1);
  await expect(app.logRowsOfKind('@bus.crashed')).toContainText('etcd crashed: killed');

  await app.etcdctl('etcdctl get /demo/durable');
  await expect(app.consoleOutput.locator('.entry').last()).toContainText('/demo/durable\nyes');
  await app.screenshot('05-restarted');
});
