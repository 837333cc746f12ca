#!/usr/bin/env node
// Make sure Debian's chromium is present for the browser test (test/report/browser.test.ts).
// On a fresh machine this installs it with apt-get (root or passwordless sudo); otherwise it says what to run.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.SPECGD_CHROMIUM ?? '/usr/bin/chromium';
if (existsSync(CHROMIUM)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = isRoot ? '' : 'sudo -n ';
console.error(`specgd: ${CHROMIUM} not found; installing Debian's chromium for the browser test (apt-get)...`);
try {
  execSync(`${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium`, {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
} catch {
  console.error('specgd: could not install chromium. Run: sudo apt-get update && sudo apt-get install -y chromium');
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  console.error(`specgd: chromium installed but ${CHROMIUM} is missing; set SPECGD_CHROMIUM to its path`);
  process.exit(1);
}
