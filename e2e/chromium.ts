/** Where Chromium is: Debian's package by default, or CHROMIUM_PATH. Never a Playwright download. */
import { existsSync } from 'node:fs';

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const chromiumFound = existsSync(chromiumPath);
export const chromiumMissing = `Chromium not found at ${chromiumPath}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH.`;
