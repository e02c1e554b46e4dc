import { expect, requireChromium, test } from './fixtures.ts';

requireChromium();

test('switching to Korean changes the labels, and the choice is remembered', async ({ app, page }) => {
  await app.open();
  await expect(page.getByRole('heading', { name: 'Message log' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Language' }).selectOption('ko');

  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  await expect(page.getByRole('heading', { name: '메시지 로그' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '구성 요소' })).toBeVisible();
  await expect(page.getByRole('button', { name: '일시정지' })).toBeVisible();
  await expect(page.getByRole('button', { name: '한 단계' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: '속도' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'kubectl 명령' })).toBeVisible();
  await expect(app.component('etcd')).toContainText('실행 중');
  await expect(page.getByRole('heading', { name: 'Message log' })).toHaveCount(0);

  // Tool output stays as the tool prints it.
  await app.etcdctl('etcdctl put /demo/인사 안녕하세요');
  await expect(app.consoleOutput).toContainText('OK');
  await app.etcdctl('etcdctl get /demo/인사');
  await expect(app.consoleOutput.locator('.entry').last()).toContainText('/demo/인사\n안녕하세요');
  await app.screenshot('04-korean');

  await page.reload();
  await expect(page.getByRole('heading', { name: '메시지 로그' })).toBeVisible();
  await page.getByRole('combobox', { name: '언어' }).selectOption('en');
  await expect(page.getByRole('heading', { name: 'Message log' })).toBeVisible();
});

test.describe('with a Korean browser', () => {
  test.use({ locale: 'ko-KR' });

  test('the page starts in Korean', async ({ app, page }) => {
    await app.open();
    await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
    await expect(page.getByRole('heading', { name: '콘솔', exact: true })).toBeVisible();
    await expect(page).toHaveTitle(/Wheelhouse/);
  });
});
