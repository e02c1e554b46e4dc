import { defineConfig } from '@playwright/test';
import { chromiumFound, chromiumMissing, chromiumPath } from './chromium.ts';

const ci = !!process.env.CI;

// On CI a missing browser is a failure; on a developer machine the specs skip with a message.
if (!chromiumFound) {
  if (ci) throw new Error(`${chromiumMissing} (CI is set, so this fails instead of skipping.)`);
  console.warn(`\n${chromiumMissing} Skipping every browser test.\n`);
}

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../test-results',
  workers: 1,
  fullyParallel: false,
  forbidOnly: ci,
  retries: ci ? 1 : 0,
  timeout: 30_000,
  // The whole cluster runs in the page's workers on a 2-core machine: give assertions room.
  expect: { timeout: 20_000 },
  reporter: ci ? [['list'], ['html', { open: 'never', outputFolder: '../playwright-report' }]] : 'list',
  use: {
    baseURL: 'http://127.0.0.1:4173',
    locale: 'en-US',
    viewport: { width: 1440, height: 900 },
    trace: 'on-first-retry',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  // The README's test command builds first (`npm run build`), so serving the build is enough.
  webServer: chromiumFound
    ? {
        command: 'npm run preview',
        cwd: '..',
        url: 'http://127.0.0.1:4173',
        reuseExistingServer: !ci,
        timeout: 60_000,
      }
    : undefined,
});
