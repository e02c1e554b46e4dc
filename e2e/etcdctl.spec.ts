import { expect, requireChromium, test } from './fixtures.ts';

requireChromium();

test('etcdctl put then get prints OK and the value, and both travel the bus', async ({ app }) => {
  await app.open();
  await app.showOnly('etcdctl');
  await app.etcdctl('etcdctl put /registry/demo hello');
  await expect(app.consoleOutput).toContainText('OK');
  await app.etcdctl('etcdctl get /registry/demo');
  const last = app.consoleOutput.locator('.entry').last();
  await expect(last).toContainText('/registry/demo\nhello');

  await expect(app.etcdctlRows('etcd.put')).toHaveCount(1);
  await expect(app.etcdctlRows('etcd.put.result')).toHaveCount(1);
  await expect(app.etcdctlRows('etcd.range')).toHaveCount(1);
  await expect(app.etcdctlRows('etcd.range.result')).toHaveCount(1);
  const put = app.etcdctlRows('etcd.put');
  await expect(put).toContainText('etcdctl');
  await expect(put).toContainText('PUT /registry/demo');

  // The log filters by component (done above) and by kind, and can be cleared.
  const kind = app.page.getByRole('combobox', { name: 'Kind' });
  await expect(app.logRows).toHaveCount(4);
  await kind.selectOption('etcd.put');
  await expect(app.logRows).toHaveCount(1);
  await kind.selectOption('');
  await app.page.getByRole('button', { name: 'Clear log' }).click();
  await expect(app.logRows).toHaveCount(0);

  // Output formats and history.
  await app.etcdctl('etcdctl get /registry --prefix --keys-only');
  await expect(app.consoleOutput.locator('.entry').last()).toContainText('/registry/demo');
  await expect(app.logRows).toHaveCount(2);
  await app.etcdctl('etcdctl get /registry/demo -w json');
  await expect(app.consoleOutput.locator('.entry').last()).toContainText('"kvs":[{"key":"L3JlZ2lzdHJ5L2RlbW8="');
  await app.consoleInput.press('ArrowUp');
  await expect(app.consoleInput).toHaveValue('etcdctl get /registry/demo -w json');
  await app.consoleInput.press('ArrowUp');
  await expect(app.consoleInput).toHaveValue('etcdctl get /registry --prefix --keys-only');
  await app.consoleInput.press('ArrowDown');
  await app.consoleInput.press('ArrowDown');
  await expect(app.consoleInput).toHaveValue('');

  // Usage errors print as etcdctl prints them; a tool this console does not have says so.
  await app.etcdctl('etcdctl put');
  await expect(app.consoleOutput.locator('.entry').last()).toContainText(
    'Error: put command needs 1 argument and input from stdin or 2 arguments',
  );
  await app.etcdctl('helm list');
  await expect(app.consoleOutput.locator('.entry').last()).toContainText('helm: command not found');
});

test('a watch streams changes until it is stopped', async ({ app, page }) => {
  await app.open();
  await app.showOnly('etcdctl');
  await app.etcdctl('etcdctl watch /demo --prefix');
  await expect(app.consoleOutput).toContainText('Stream #1 started');
  await app.etcdctl('etcdctl put /demo/web 1');
  const watchBlock = app.consoleOutput.locator('.entry-watch').last();
  await expect(watchBlock).toContainText('PUT\n/demo/web\n1');
  await expect(app.etcdctlRows('etcd.watch.event')).toHaveCount(1);
  await app.etcdctl('etcdctl del /demo/web');
  await expect(app.consoleOutput.locator('.entry-watch').last()).toContainText('DELETE\n/demo/web');
  await app.screenshot('02-etcdctl-watch');

  await page.getByRole('button', { name: 'Stop stream #1' }).click();
  await expect(app.consoleOutput).toContainText('stream #1 stopped');
  await expect(page.getByRole('button', { name: 'Stop stream #1' })).toHaveCount(0);
  await app.etcdctl('etcdctl put /demo/web 2');
  await expect(app.etcdctlRows('etcd.put')).toHaveCount(2);
  await expect(app.etcdctlRows('etcd.put.result')).toHaveCount(2);
  await expect(app.etcdctlRows('etcd.watch.event')).toHaveCount(2);
});
