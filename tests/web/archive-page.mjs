// archive-page.mjs: the public archive in Debian's chromium, driven by playwright-core
//
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Run by tests/live-page-test.c (/live/browser/archive) against a tribunad serving an
// archive with one published session, recorded with items marked and a private part:
//
//   node archive-page.mjs BASE_URL SESSION_ID ITEM_NUMBER SCREENSHOT_PNG
//
// Environment: TRIBUNA_WEB_NODE_MODULES (data/web/node_modules), TRIBUNA_CHROMIUM.
//
// Checks: the list shows the session and links its items; the shared link
// /archive/ID#item=N seeks the video to the item's start (currentTime within a second and a
// half of it) and plays (time advances); a click on another item seeks there and the
// address becomes that item's link; ?t=S with hls.js forced starts at S; only segments the
// playlist lists are fetched. Throughout: no request leaves the appliance and no
// Content-Security-Policy violation. Prints "PASSED" and exits 0 when all hold.

import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, sessionId, itemNumber, screenshot] = process.argv.slice(2);
const modules = process.env.TRIBUNA_WEB_NODE_MODULES;
const chromiumPath = process.env.TRIBUNA_CHROMIUM || '/usr/bin/chromium';
const TIMEOUT_MS = 45000;
const PLAY_SECONDS = 3;
const SEEK_TOLERANCE = 1.5;

if (!base || !sessionId || !itemNumber || !screenshot || !modules) {
  console.error('usage: TRIBUNA_WEB_NODE_MODULES=… ' +
                'node archive-page.mjs BASE_URL SESSION_ID ITEM_NUMBER SCREENSHOT_PNG');
  process.exit(2);
}

const require = createRequire(join(modules, 'index.js'));
const { chromium } = require('playwright-core');

function log(message) {
  console.log('# ' + message);
}

function check(condition, message) {
  if (!condition)
    throw new Error(message);
  log('ok: ' + message);
}

const foreign = [];
const fetched = new Set();

function watch(page, label) {
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(base + '/') && !url.startsWith('blob:') && !url.startsWith('data:'))
      foreign.push(url);
  });
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname.endsWith('.ts'))
      fetched.add(url.pathname);
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      log(`${label} console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => log(`${label} page error: ${error.message}`));
}

async function videoTime(page) {
  return page.evaluate(() => document.getElementById('video').currentTime);
}

// The video reaches @start (it seeked there, not played up to it from 0) and plays on.
async function assertSeekedAndPlaying(page, start, label) {
  await page.waitForFunction((s) => {
    const video = document.getElementById('video');
    return video.readyState >= 2 && !video.paused && video.currentTime >= s - 0.5;
  }, start, { timeout: TIMEOUT_MS });
  const first = await videoTime(page);
  check(Math.abs(first - start) <= SEEK_TOLERANCE,
        `${label}: the video is at ${first.toFixed(2)} s, the item starts at ${start.toFixed(2)} s`);
  await page.waitForTimeout(PLAY_SECONDS * 1000);
  const later = await videoTime(page);
  check(later - first >= PLAY_SECONDS / 2,
        `${label}: playback advances (${first.toFixed(2)} s → ${later.toFixed(2)} s)`);
}

async function run() {
  const detail = await (await fetch(`${base}/api/v1/public/archive/${sessionId}`)).json();
  const item = detail.items.find((i) => i.number === itemNumber);
  const other = detail.items.find((i) => i.number !== itemNumber && i.start_ms !== null);
  const playlist = await (await fetch(base + detail.playlist)).text();
  check(item && item.start_ms !== null, `item ${itemNumber} starts at ${item.start_ms} ms`);
  check(other, `another item to click: ${other.number} at ${other.start_ms} ms`);

  const profile = mkdtempSync(join(tmpdir(), 'tribuna-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1200, height: 1000 },
    locale: 'sq-AL',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });

  try {
    await context.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });

    // The list.
    const page = context.pages()[0] || await context.newPage();
    watch(page, 'archive');
    const response = await page.goto(base + '/archive', { waitUntil: 'domcontentloaded' });
    check(response.status() === 200, 'GET /archive answers 200');
    await page.waitForSelector(`#sessions a[href="/archive/${sessionId}"]`,
                               { timeout: TIMEOUT_MS });
    const link = `/archive/${sessionId}#item=${encodeURIComponent(itemNumber)}`;
    check(await page.locator(`#sessions a[href="${link}"]`).count() === 1,
          `the list links item ${itemNumber}: ${link}`);
    check(await page.evaluate(() => document.documentElement.lang) === 'sq',
          'the page is in Albanian');

    // The shared link.
    await page.goto(base + link, { waitUntil: 'domcontentloaded' });
    await assertSeekedAndPlaying(page, item.start_ms / 1000, `deep link #item=${itemNumber}`);
    check(await page.evaluate((n) => {
      const current = document.querySelector('#items a[aria-current="true"]');
      return current && current.getAttribute('href').endsWith('#item=' + n);
    }, encodeURIComponent(itemNumber)), `item ${itemNumber} is marked as the one playing`);
    await page.screenshot({ path: screenshot });
    log(`screenshot: ${screenshot}`);

    // A click on another item seeks there; the address becomes its link.
    await page.click(`#items a[href$="#item=${encodeURIComponent(other.number)}"]`);
    await assertSeekedAndPlaying(page, other.start_ms / 1000, `click on item ${other.number}`);
    check(page.url().endsWith(`#item=${encodeURIComponent(other.number)}`),
          `the address is the item's link: ${page.url()}`);

    // ?t= with hls.js forced.
    const second = await context.newPage();
    watch(second, 'hls.js');
    const t = Math.floor(item.start_ms / 1000) + 1;
    await second.goto(`${base}/archive/${sessionId}?player=hlsjs&t=${t}`,
                      { waitUntil: 'domcontentloaded' });
    await second.waitForFunction(() => document.body.dataset.player === 'hls.js', null,
                                 { timeout: TIMEOUT_MS });
    await assertSeekedAndPlaying(second, t, `hls.js ?t=${t}`);
    check((await second.evaluate(() => window.__cspViolations)).length === 0,
          'hls.js runs under the CSP');
    await second.close();

    const unlisted = [...fetched].filter((path) => !playlist.includes(path.split('/').pop()));
    check(fetched.size > 0 && unlisted.length === 0,
          `only listed segments were fetched (${fetched.size}; unlisted: ${unlisted.join(' ')})`);
    const violations = await page.evaluate(() => window.__cspViolations);
    check(violations.length === 0, `no CSP violation (${violations.join('; ')})`);
    check(foreign.length === 0, `no request left the appliance (${foreign.join(' ')})`);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const watchdog = setTimeout(() => {
  console.log('FAILED: the browser test took longer than 240 s');
  process.exit(1);
}, 240000);

run().then(() => {
  clearTimeout(watchdog);
  console.log('PASSED');
  process.exit(0);
}, (error) => {
  clearTimeout(watchdog);
  console.log('FAILED: ' + (error && error.stack ? error.stack : error));
  process.exit(1);
});
