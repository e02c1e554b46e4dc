/**
 * Click-through actions and the YAML editor: a form builds the kubectl line it shows and runs it in
 * the console; the editor refuses YAML with a syntax error (naming its line), applies a valid
 * manifest with `kubectl apply -f -`, and marks the field the API server rejected.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, requireChromium, test } from './fixtures.ts';

requireChromium();

/** axe's serious and critical findings inside one part of the page. */
async function violationsIn(page: Page, selector: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include(selector).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('a deployment created through the form runs, and a node is cordoned and uncordoned', async ({ app, page }) => {
  test.setTimeout(120_000);
  await app.open();
  await page.locator('summary', { hasText: 'Click-through actions' }).click();
  const tabs = page.getByRole('tablist', { name: 'Actions' });
  await expect(tabs.getByRole('tab', { name: 'Create' })).toHaveAttribute('aria-selected', 'true');
  const panel = page.getByRole('tabpanel', { name: 'Create' });

  await panel.getByRole('textbox', { name: 'Name' }).fill('shop');
  await panel.getByRole('spinbutton', { name: 'Replicas' }).fill('2');
  await panel.getByRole('combobox', { name: 'Image' }).selectOption('httpd');
  const line = 'kubectl create deployment shop --image=httpd --replicas=2';
  await expect(panel.locator('.action-cmd code')).toHaveText(line);
  await panel.getByRole('button', { name: 'Run' }).click();

  const last = app.consoleOutput.locator('.entry').last();
  await expect(last).toContainText(line);
  await expect(last).toContainText('deployment.apps/shop created');
  await expect(page.getByRole('button', { name: /^pod shop-.* Running$/ })).toHaveCount(2, { timeout: 60_000 });

  // The tab strip works from the keyboard; Scale starts from the deployment's current size.
  await tabs.getByRole('tab', { name: 'Create' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(tabs.getByRole('tab', { name: 'Expose' })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(tabs.getByRole('tab', { name: 'Scale' })).toHaveAttribute('aria-selected', 'true');
  const scale = page.getByRole('tabpanel', { name: 'Scale' });
  await expect(scale.getByRole('combobox', { name: 'Deployment' })).toHaveValue('default/shop');
  await expect(scale.getByRole('spinbutton', { name: 'Replicas' })).toHaveValue('2');
  await scale.getByRole('spinbutton', { name: 'Replicas' }).fill('3');
  await expect(scale.locator('.action-cmd code')).toHaveText('kubectl scale deployment shop --replicas=3');
  await scale.getByRole('button', { name: 'Run' }).click();
  await expect(app.consoleOutput.locator('.entry').last()).toContainText('deployment.apps/shop scaled');

  await tabs.getByRole('tab', { name: 'Node' }).click();
  const node = page.getByRole('tabpanel', { name: 'Node' });
  await node.getByRole('combobox', { name: 'Node', exact: true }).selectOption('kind-worker');
  await expect(node.locator('.action-cmd code')).toHaveText('kubectl cordon kind-worker');
  await node.getByRole('button', { name: 'Run' }).click();
  await expect(app.consoleOutput.locator('.entry').last()).toContainText('node/kind-worker cordoned');
  await expect(node.getByRole('combobox', { name: 'Node', exact: true })).toContainText('kind-worker (unschedulable)');
  await node.getByRole('combobox', { name: 'Node action' }).selectOption('drain');
  await expect(node.locator('.action-cmd code')).toHaveText('kubectl drain kind-worker --ignore-daemonsets');
  await node.getByRole('checkbox', { name: /Also delete pods without a controller/ }).check();
  await expect(node.locator('.action-cmd code')).toHaveText('kubectl drain kind-worker --ignore-daemonsets --force');
  expect(await violationsIn(page, '.actions-box')).toEqual([]);
  await node.getByRole('combobox', { name: 'Node action' }).selectOption('uncordon');
  await node.getByRole('button', { name: 'Run' }).click();
  await expect(app.consoleOutput.locator('.entry').last()).toContainText('node/kind-worker uncordoned');
});

const BROKEN = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
spec:
  replicas: 2
   selector: {}
`;

test('the YAML editor names the line of a syntax error, applies a manifest, and marks what the server rejected', async ({
  app,
  page,
}) => {
  test.setTimeout(120_000);
  await app.open();
  const open = page.getByRole('button', { name: 'Apply YAML…' });
  await open.click();
  const dialog = page.getByRole('dialog', { name: 'Apply YAML (kubectl apply -f -)' });
  await expect(dialog).toBeVisible();
  const editor = dialog.getByRole('textbox', { name: 'YAML manifest' });
  await expect(editor).toBeFocused();
  await expect(editor).toContainText('kind: Deployment');
  expect(await violationsIn(page, '.yaml-dialog')).toEqual([]);

  // A syntax error: nothing is sent, and the error names its line and column.
  const before = await app.consoleOutput.locator('.entry').count();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(BROKEN);
  await dialog.getByRole('button', { name: 'Apply' }).click();
  const status = dialog.getByRole('status');
  await expect(status).toContainText(/YAML errors?: nothing was sent\./);
  await expect(status.getByRole('list', { name: 'Problems' })).toContainText(
    'line 6, column 13: Nested mappings are not allowed in compact mappings',
  );
  await expect(dialog.locator('.cm-lintRange-error').first()).toBeVisible();
  expect(await app.consoleOutput.locator('.entry').count()).toBe(before);

  // The example (a Deployment and its Service) applies.
  await dialog.getByRole('button', { name: 'Restore the example' }).click();
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(status).toContainText('Applied.');
  await expect(status).toContainText('deployment.apps/hello created');
  await expect(status).toContainText('service/hello created');
  await expect(app.consoleOutput.locator('.entry').last()).toContainText('kubectl apply -f -');

  // The API server's validation error lands on the field it names.
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hello\nspec:\n  replicas: -1\n  selector:\n    matchLabels:\n      app: hello\n  template:\n    metadata:\n      labels:\n        app: hello\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n',
  );
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(status).toContainText('The server rejected it: 1 problem is marked in the manifest.');
  await expect(status.getByRole('list', { name: 'Problems' })).toContainText(
    'line 6, column 13: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
  );
  await expect(dialog.locator('.cm-lintRange-error')).toHaveText('-1');

  // Escape closes the dialog and gives focus back to the button that opened it.
  await dialog.getByRole('button', { name: 'Apply' }).focus();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(open).toBeFocused();
});
