import { expect, requireChromium, test } from './fixtures.ts';

requireChromium();

test('paused, each Step delivers exactly one message', async ({ app, page }) => {
  // One message per click, whoever it is for. A component may annotate what it did with the message
  // (`@bus.note` rows, such as kube-apiserver's pipeline stages); those are not messages.
  // On a live cluster other messages are queued ahead of the console's, so this takes many clicks.
  test.setTimeout(150_000);
  await app.open();
  // Let the three nodes finish booting (image pulls, first syncs) so fewer messages queue ahead.
  await page.waitForTimeout(4000);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await expect(page.getByText('Paused', { exact: true })).toBeVisible();
  // A round that was under way when Pause arrived may still report; let the log settle.
  await page.waitForTimeout(300);
  const before = await app.lastRow();

  await app.etcdctl('etcdctl put /demo/step one');
  await expect(app.consoleOutput).toContainText('The clock is paused');
  await expect(page.getByText(/[1-9]\d* queued/)).toBeVisible();
  await page.waitForTimeout(300);
  expect(await app.messagesAfter(before)).toBe(0);
  await app.screenshot('03-paused-pending');

  // Step until the put has been answered: every click delivers one message, no more. (The log
  // draws its newest 100 rows, so at most 90 clicks are counted.)
  const step = page.getByRole('button', { name: 'Step' });
  const done = app.consoleOutput.locator('.entry').last().getByText('OK', { exact: true });
  let clicks = 0;
  while (!(await done.isVisible()) && clicks < 90) {
    await step.click();
    clicks++;
    await expect.poll(() => app.messagesAfter(before)).toBe(clicks);
    if (clicks <= 3) {
      // Nothing else turns up later either: the clock stays paused between clicks.
      await page.waitForTimeout(200);
      expect(await app.messagesAfter(before)).toBe(clicks);
    }
  }
  await expect(done).toBeVisible();
  expect(clicks).toBeGreaterThanOrEqual(2);
  await app.showOnly('etcdctl');
  await expect(app.etcdctlRows('etcd.put')).toHaveCount(1);
  await expect(app.etcdctlRows('etcd.put.result')).toHaveCount(1);

  // Play resumes delivery.
  await app.etcdctl('etcdctl get /demo/step');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(app.etcdctlRows('etcd.range.result')).toHaveCount(1);
  await expect(app.consoleOutput.locator('.entry').last()).toContainText('/demo/step\none');
});

test('Step with nothing queued says so', async ({ app, page }) => {
  await app.open();
  await page.getByRole('button', { name: 'Pause' }).click();
  // Only meaningful while the relay's queue is empty (no component has a timer pending).
  test.skip(!(await page.getByText('0 queued', { exact: true }).isVisible()), 'components keep timers queued');
  const before = await app.lastRow();
  await page.getByRole('button', { name: 'Step' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Nothing queued to deliver' })).toBeVisible();
  expect(await app.messagesAfter(before)).toBe(0);
});

test('the speed can be changed, up to max', async ({ app, page }) => {
  await app.open();
  const speed = page.getByRole('combobox', { name: 'Speed' });
  await speed.selectOption('max');
  await expect(page.getByText('Max speed', { exact: true })).toBeVisible();
  await app.etcdctl('etcdctl put /demo/fast yes');
  await expect(app.consoleOutput).toContainText('OK');
  await speed.selectOption('0.1');
  await expect(page.getByText('Running', { exact: true }).first()).toBeVisible();
});
