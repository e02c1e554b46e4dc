/**
 * Time beyond play and pause: a reload brings the same cluster back (its inputs are replayed from
 * IndexedDB), and the timeline rebuilds the cluster as it was at any earlier point.
 */
import { expect, requireChromium, test } from './fixtures.ts';

requireChromium();

test('a reload keeps the cluster, and the timeline goes back to before a deployment and forward again', async ({
  app,
  page,
}) => {
  test.setTimeout(150_000);
  await app.open();
  await app.run('kubectl create deployment keep --image=nginx --replicas=2');
  await expect(app.consoleOutput.locator('.entry').last()).toContainText('deployment.apps/keep created');
  const pods = page.getByRole('button', { name: /^pod keep-[a-z0-9]+-[a-z0-9]{5} Running$/ });
  await expect(pods).toHaveCount(2, { timeout: 60_000 });
  const names = (await pods.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).sort();
  // The session is saved after each input and every couple of seconds.
  await page.waitForTimeout(3000);

  await page.reload();
  await expect(page.getByRole('textbox', { name: 'kubectl command' })).toBeEnabled({ timeout: 60_000 });
  // The same pods, by name: the replay rebuilt the same cluster, not a similar one.
  await expect(pods).toHaveCount(2, { timeout: 30_000 });
  expect((await pods.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).sort()).toEqual(names);
  await app.run('kubectl get deployment keep -o jsonpath={.status.readyReplicas}');
  await expect(app.consoleOutput.locator('.entry').last().locator('pre.out')).toHaveText('2');

  // Back to the start of time: nothing has been created yet.
  const slider = page.getByRole('slider', { name: 'Timeline' });
  await page.getByRole('button', { name: 'Pause' }).click();
  await slider.focus();
  await page.keyboard.press('Home');
  await expect(slider).toBeEnabled({ timeout: 60_000 });
  await expect(page.getByRole('status').filter({ hasText: 'recorded inputs' })).toBeVisible();
  await expect(pods).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByRole('button', { name: /^pod keep-/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await app.screenshot('08-timeline-rewound');

  // Forward to the end of the recorded history: the deployment and its pods are back.
  await expect(slider).toBeEnabled({ timeout: 60_000 });
  await slider.focus();
  await page.keyboard.press('End');
  await expect(pods).toHaveCount(2, { timeout: 60_000 });
  expect((await pods.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).sort()).toEqual(names);

  // Reset: a fresh cluster without the deployment.
  await page.getByRole('button', { name: 'Reset cluster' }).click();
  await expect(page.getByRole('button', { name: /^pod coredns-/ }).first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('button', { name: /^pod keep-/ })).toHaveCount(0);
});
