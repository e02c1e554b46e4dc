/**
 * The map: a kubectl command typed into the console becomes pods on worker nodes, with packets on
 * the edges they travelled; `kubectl expose` puts the Service's rules into a node's iptables.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startRunner } from '../test/headless.ts';
import { expect, requireChromium, test } from './fixtures.ts';

requireChromium();

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

test('a deployment typed into the console runs three pods on the workers, with packets on the way', async ({
  app,
  page,
}) => {
  test.setTimeout(120_000);
  await app.open();
  const map = page.getByRole('region', { name: 'Cluster map' });
  await expect(map.getByRole('button', { name: 'kube-apiserver', exact: true })).toBeVisible();
  await expect(map.getByRole('button', { name: 'kubelet (kind-worker)', exact: true })).toBeVisible();

  // Record every packet that starts moving, with the edge it travels.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { packets: string[] }).packets = seen;
    new MutationObserver((changes) => {
      for (const c of changes)
        for (const n of c.addedNodes) {
          if (!(n instanceof SVGGElement) || !n.classList.contains('packet')) continue;
          const edge = n.closest('[data-messages]')?.getAttribute('aria-label') ?? '';
          seen.push(`${edge.split(':')[0]}|${n.getAttribute('data-class')}`);
        }
    }).observe(document.body, { subtree: true, childList: true });
  });

  await app.run('kubectl create deployment web --image=nginx --replicas=3');
  await expect(app.consoleOutput.locator('.entry').last()).toContainText('deployment.apps/web created');

  const web = page.getByRole('button', { name: /^pod web-[a-z0-9]+-[a-z0-9]{5} Running$/ });
  await expect(web).toHaveCount(3, { timeout: 60_000 });
  // Only on worker nodes: the control-plane node is tainted NoSchedule.
  const cp = page.getByRole('region', { name: 'Node kind-control-plane', exact: true });
  await expect(cp.getByRole('button', { name: /^pod web-/ })).toHaveCount(0);
  const onWorkers =
    (await page
      .getByRole('region', { name: 'Node kind-worker', exact: true })
      .getByRole('button', { name: /^pod web-/ })
      .count()) +
    (await page
      .getByRole('region', { name: 'Node kind-worker2', exact: true })
      .getByRole('button', { name: /^pod web-/ })
      .count());
  expect(onWorkers).toBe(3);

  // The edges carried messages, and packets were drawn on them.
  for (const name of [/^kube-apiserver ⇄ etcd: \d+ messages$/, /^kube-apiserver ⇄ kube-scheduler: \d+ messages$/]) {
    const edge = map.getByRole('img', { name });
    await expect(edge).toHaveCount(1);
    expect(Number(await edge.getAttribute('data-messages'))).toBeGreaterThan(0);
  }
  const packets = await page.evaluate(() => (window as unknown as { packets: string[] }).packets);
  expect(packets.some((p) => p.startsWith('kube-apiserver ⇄ etcd|etcd-write'))).toBe(true);
  expect(packets.some((p) => p.startsWith('kube-apiserver ⇄ kube-scheduler|'))).toBe(true);
  await app.screenshot('05-deployment-on-the-map');

  // Clicking a pod shows its scheduling decision and YAML.
  await web.first().click();
  const inspector = page.getByRole('tabpanel', { name: 'Inspector' });
  await expect(inspector.getByRole('table', { name: 'Filter verdicts and weighted scores per node' })).toBeVisible();
  await expect(inspector.getByRole('region', { name: 'The object as YAML' })).toContainText('kind: Pod');

  // kubectl expose: kube-proxy on every node writes the Service's chains; the inspector shows them.
  await app.run('kubectl expose deployment web --port=80');
  await expect(app.consoleOutput.locator('.entry').last()).toContainText('service/web exposed');
  await map.getByRole('button', { name: 'kube-proxy (kind-worker)', exact: true }).click();
  const rules = inspector.getByRole('region', { name: /iptables-save output/ });
  await expect(rules).toContainText('-A KUBE-SERVICES -d 10.96.', { timeout: 30_000 });
  await expect(rules).toContainText('"default/web cluster IP"');
  await expect(rules.locator('.rule-added').first()).toBeVisible();
  await app.screenshot('06-service-rules');
});

test('the console prints what the headless API prints for the same commands', async ({ app }) => {
  test.setTimeout(120_000);
  if (!existsSync(KUBECTL)) {
    test.skip(!process.env.CI, `kubectl not found at ${KUBECTL}: comparison with real kubectl skipped.`);
    throw new Error(`kubectl not found at ${KUBECTL} (CI is set, so this fails instead of skipping).`);
  }
  const runner = await startRunner(['--speed', 'max']);
  try {
    const real = (args: string[]) =>
      execFileSync(KUBECTL, ['--server', runner.api, ...args], {
        encoding: 'utf8',
        env: { ...process.env, KUBECONFIG: '/dev/null' },
      });
    await app.open();
    for (const cmd of [
      ['create', 'deployment', 'web', '--image=nginx', '--replicas=3'],
      ['api-resources'],
      ['get', 'namespaces', '-o', 'name'],
      ['get', 'nodes', '-o', 'custom-columns=NAME:.metadata.name,CIDR:.spec.podCIDR'],
      ['get', 'service', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].port}'],
    ]) {
      await app.run(`kubectl ${cmd.map((a) => (/[\s{}[\]]/.test(a) ? `'${a}'` : a)).join(' ')}`);
      const out = app.consoleOutput.locator('.entry').last().locator('pre.out');
      await expect(out).toHaveCount(1);
      // The console drops the final newline of an output; everything else must match byte for byte.
      expect(await out.textContent()).toBe(real(cmd).replace(/\n$/, ''));
    }
  } finally {
    await runner.stop();
  }
});

test("a node's shell lists its containers over CRI and pipes iptables-save through grep", async ({ app, page }) => {
  await app.open();
  await page.getByRole('combobox', { name: 'Run on' }).selectOption('kind-worker');
  await app.run('crictl ps');
  const out = app.consoleOutput.locator('.entry').last();
  await expect(out).toContainText('CONTAINER');
  await expect(out).toContainText('kube-proxy');
  await expect(out.locator('.cmdline')).toContainText('root@kind-worker:/#');
  // crictl is drawn on the node once used, and its CRI calls travel to the node's containerd.
  const crictl = page.getByRole('button', { name: 'crictl (kind-worker)', exact: true });
  await expect(crictl).toBeVisible();
  await expect(
    page.getByRole('img', { name: /^crictl \(kind-worker\) ⇄ containerd \(kind-worker\): [1-9]\d* messages?$/ }),
  ).toHaveCount(1);
  await app.run('iptables-save -t nat | grep -c KUBE-SERVICES');
  await expect(app.consoleOutput.locator('.entry').last().locator('pre.out')).toHaveText(/^\d+$/);
  await app.run('nosuchtool');
  await expect(app.consoleOutput.locator('.entry').last()).toContainText('bash: nosuchtool: command not found');
  await app.screenshot('07-node-shell');
});

test('a pod reaches a Service by name: exec from the console, and the packet walk through the rules', async ({
  app,
  page,
}) => {
  test.setTimeout(150_000);
  await app.open();
  await app.run('kubectl create deployment web --image=nginx --replicas=2');
  await app.run('kubectl expose deployment web --port=80');
  await app.run('kubectl run client --image=busybox -- sleep 3600');
  await expect(page.getByRole('button', { name: /^pod client Running$/ })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('button', { name: /^pod web-\S+ Running$/ })).toHaveCount(2, { timeout: 60_000 });

  // wget resolves `web` through CoreDNS and connects through the node's rules to an nginx pod.
  // (Until CoreDNS and kube-proxy have seen the new Service, a real cluster fails the same way.)
  await expect(async () => {
    await app.run('kubectl exec client -- wget -qO- http://web');
    await expect(app.consoleOutput.locator('.entry').last()).toContainText('Welcome to nginx!', { timeout: 8000 });
  }).toPass({ timeout: 60_000 });
  // The DNS query travelled to CoreDNS on the map.
  await expect(
    page.getByRole('img', { name: /^containerd \(kind-worker2?\) ⇄ coredns: [1-9]\d* messages?$/ }).first(),
  ).toBeVisible();

  // The walk: the rules split the Service between its two endpoints, half and half.
  await page.getByRole('tab', { name: 'Packet walk' }).click();
  await page.getByRole('combobox', { name: 'From' }).selectOption('default/client');
  await page.getByRole('textbox', { name: 'To (Service name or IP)' }).fill('web');
  await page.getByRole('textbox', { name: 'Port' }).fill('80');
  await page.getByRole('button', { name: 'Walk the packet' }).click();
  const result = page.getByRole('region', { name: 'Packet walk result' });
  await expect(result.getByRole('status')).toContainText('delivered');
  await expect(result).toContainText('KUBE-SVC-');
  const table = result.getByRole('table', { name: 'Every destination these rules allow' });
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(table).toContainText('50.0%');
  await app.screenshot('09-packet-walk');
});
