// live-page.mjs: the public live page in Debian's chromium, driven by playwright-core
//
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Run by tests/live-page-test.c against a tribunad that streams test sources in a public
// session with an agenda item marked:
//
//   node live-page.mjs BASE_URL ITEM_TITLE SCREENSHOT_PNG
//
// Environment: TRIBUNA_TEST_TOKEN (an operator's or admin's API token, to turn the private
// part on), TRIBUNA_WEB_NODE_MODULES (data/web/node_modules, where npm ci put
// playwright-core), TRIBUNA_CHROMIUM (default /usr/bin/chromium).
//
// Checks, in order: the page shows the current item; the video plays (its time advances)
// with the browser's own HLS and with hls.js; a screenshot; then, with private turned on
// through the API, the page says so, the video stops, and the stream is refused (403).
// Throughout: no request leaves the appliance and no Content-Security-Policy violation.
// Exits 0 when all hold; otherwise prints "FAILED: why" and exits 1.

import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, itemTitle, screenshot] = process.argv.slice(2);
const token = process.env.TRIBUNA_TEST_TOKEN;
const modules = process.env.TRIBUNA_WEB_NODE_MODULES;
const chromiumPath = process.env.TRIBUNA_CHROMIUM || '/usr/bin/chromium';
const PLAY_SECONDS = 4;
const TIMEOUT_MS = 45000;

if (!base || !itemTitle || !screenshot || !token || !modules) {
  console.error('usage: TRIBUNA_TEST_TOKEN=… TRIBUNA_WEB_NODE_MODULES=… ' +
                'node live-page.mjs BASE_URL ITEM_TITLE SCREENSHOT_PNG');
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

// Every request stays on the appliance (or in the page's own blobs), every script obeys
// the CSP: both are recorded for the whole run and checked at the end.
const foreign = [];
const segments = new Set();

function watch(page, label) {
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(base + '/') && !url.startsWith('blob:') && !url.startsWith('data:'))
      foreign.push(url);
  });
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith('/live/') && url.pathname.endsWith('.ts') && response.ok())
      segments.add(url.pathname);
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

// Playback advances: the video's time moves on by most of the wall-clock time waited.
async function assertPlaying(page, label) {
  await page.waitForFunction(() => document.getElementById('video').currentTime > 0.3, null,
                             { timeout: TIMEOUT_MS });
  const before = await videoTime(page);
  await page.waitForTimeout(PLAY_SECONDS * 1000);
  const after = await videoTime(page);
  const player = await page.evaluate(() => document.body.dataset.player);
  check(after - before >= PLAY_SECONDS / 2,
        `${label}: playback advances (${before.toFixed(2)} s → ${after.toFixed(2)} s, ` +
        `player ${player})`);
  return player;
}

async function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations || []);
}

async function run() {
  const profile = mkdtempSync(join(tmpdir(), 'tribuna-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1200, height: 900 },
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

    const page = context.pages()[0] || await context.newPage();
    watch(page, 'page');
    const response = await page.goto(base + '/', { waitUntil: 'domcontentloaded' });
    check(response.status() === 200, 'GET / answers 200');
    check((response.headers()['content-security-policy'] || '').includes("script-src 'self'"),
          "the page is served with script-src 'self'");

    await page.waitForFunction(
      (title) => {
        const element = document.getElementById('item-title');
        return element && element.offsetParent !== null && element.textContent === title;
      }, itemTitle, { timeout: TIMEOUT_MS });
    check(true, `the current item shows: “${itemTitle}”`);
    check(await page.evaluate(() => document.documentElement.lang) === 'sq',
          'the page is in Albanian');
    check(await page.evaluate(() => document.getElementById('badge').textContent) ===
            'Drejtpërdrejt', 'the badge says Drejtpërdrejt');

    const player = await assertPlaying(page, 'default player');
    await page.screenshot({ path: screenshot });
    log(`screenshot: ${screenshot}`);

    // hls.js, as a browser without HLS of its own (Firefox) gets it.
    const second = await context.newPage();
    watch(second, 'hls.js page');
    await second.goto(base + '/?player=hlsjs', { waitUntil: 'domcontentloaded' });
    await second.waitForFunction(() => document.body.dataset.player === 'hls.js', null,
                                 { timeout: TIMEOUT_MS });
    await assertPlaying(second, 'hls.js');
    check((await cspViolations(second)).length === 0, 'hls.js runs under the CSP');
    await second.close();
    check(player === 'native' || player === 'hls.js', `the default player is ${player}`);
    check(segments.size > 0, `segments were fetched (${segments.size})`);

    // The private part starts: the page says so and the stream stops being served.
    const reply = await fetch(base + '/api/v1/markers/private', {
      method: 'POST',
      headers: { 'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ on: true }),
    });
    check(reply.status === 200, 'private turned on through the API');

    await page.waitForFunction(() => {
      const notice = document.getElementById('notice');
      return !notice.hidden && notice.textContent.includes('dyer të mbyllura');
    }, null, { timeout: TIMEOUT_MS });
    check(true, 'the page shows the closed-doors notice');
    check(await page.evaluate(() => document.getElementById('player').hidden),
          'the player is hidden');
    check(await page.evaluate(() => document.getElementById('item-box').hidden),
          'the agenda item is hidden');
    check(await page.evaluate(() => !document.getElementById('video').getAttribute('src')),
          'the video has no source');
    const stopped = await videoTime(page);
    await page.waitForTimeout(2000);
    check(await videoTime(page) === stopped, 'the video no longer advances');

    const refused = await page.evaluate(async (paths) => {
      const statuses = [];
      for (const path of paths)
        statuses.push((await fetch(path, { cache: 'no-store' })).status);
      return statuses;
    }, ['/live/index.m3u8', ...segments]);
    check(refused.every((status) => status === 403),
          `the playlist and the ${segments.size} segments seen are refused: ${refused.join(' ')}`);

    const violations = await cspViolations(page);
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
