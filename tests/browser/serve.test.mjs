// The browser test of `storyfold serve`: starts the server on a temporary index, posts the
// example corpus over HTTP, and drives Debian's headless Chromium (playwright-core, no
// downloaded browser) through the story list, a story with a rewrite, a story with a
// disagreement and a compare page, at laptop (1280) and phone (390) widths. Screenshots go to
// docs/img/. Exits non-zero on the first failed check; the server and the browser are always
// stopped.
//
//   STORYFOLD_BIN   the binary (default: the newer of target/release and target/debug)
//   CHROMIUM        the browser (default: /usr/bin/chromium)

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The newer of the release and debug builds.
const bin = process.env.STORYFOLD_BIN
  ?? [join(root, 'target/release/storyfold'), join(root, 'target/debug/storyfold')]
    .filter(existsSync)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const shots = join(root, 'docs', 'img');
assert.ok(bin && existsSync(bin), `no storyfold binary (build it first): ${bin}`);
assert.ok(existsSync(browserPath), `no browser at ${browserPath}`);
mkdirSync(shots, { recursive: true });

const dir = mkdtempSync(join(tmpdir(), 'storyfold-browser-'));
let server;
let browser;

/** Start `storyfold serve` on port 0 and resolve with its URL (read from its stderr). */
function startServer() {
  return new Promise((ok, fail) => {
    server = spawn(bin, ['serve', '--db', join(dir, 'stories.db'), '--listen', '127.0.0.1:0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    const timer = setTimeout(() => fail(new Error(`server did not start: ${err}`)), 30000);
    server.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    server.on('exit', (code) => fail(new Error(`server exited (${code}): ${err}`)));
  });
}

/** Stop the server with SIGTERM and wait for a clean exit. */
function stopServer() {
  return new Promise((ok) => {
    if (!server || server.exitCode !== null) return ok(server?.exitCode ?? 0);
    server.removeAllListeners('exit');
    server.on('exit', (code) => ok(code));
    server.kill('SIGTERM');
  });
}

async function check(page, what, locator) {
  await locator.first().waitFor({ state: 'visible', timeout: 10000 }).catch(() => {
    throw new Error(`not visible on ${page.url()}: ${what}`);
  });
  console.log(`ok  ${what}`);
}

try {
  const base = await startServer();
  console.log(`server at ${base}`);
  // Load the example corpus in two requests (an NDJSON batch each).
  const lines = readFileSync(join(root, 'examples/news.jsonl'), 'utf8').trim().split('\n');
  const half = Math.ceil(lines.length / 2);
  for (const part of [lines.slice(0, half), lines.slice(half)]) {
    const res = await fetch(`${base}/v1/articles`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-ndjson' },
      body: part.join('\n') + '\n',
    });
    assert.equal(res.status, 201, await res.text());
  }
  const bad = await fetch(`${base}/v1/articles`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"id": "x"',
  });
  assert.equal(bad.status, 400);
  console.log('ok  45 articles posted in two requests; a broken one answered 400');

  browser = await chromium.launch({
    executablePath: browserPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  for (const [name, width, height] of [['laptop', 1280, 800], ['phone', 390, 844]]) {
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.on('pageerror', (e) => { throw e; });
    console.log(`-- ${name} (${width} px)`);

    await page.goto(`${base}/`);
    await check(page, 'story list heading', page.getByRole('heading', { name: 'Stories', level: 1 }));
    await check(page, 'a disagreement badge in the list', page.locator('ol.stories .badge.disagree'));
    await page.screenshot({ path: join(shots, `serve-list-${name}.png`), fullPage: false });

    // Search from the form (keyboard: type and press Enter).
    await page.getByLabel('Title').fill('bridge');
    await page.getByLabel('Title').press('Enter');
    await page.waitForURL(/q=bridge/);
    await check(page, 'search result', page.locator('ol.stories h2 a', { hasText: 'Alder Street Bridge' }));

    // Click into the story with the rewrite.
    await page.locator('ol.stories h2 a', { hasText: 'Alder Street Bridge' }).first().click();
    await page.waitForURL(/\/stories\/\d+$/);
    await check(page, 'the origin in the timeline', page.locator('ol.timeline li.origin .badge.rel-origin'));
    await check(page, 'a rewrite badge', page.locator('ol.timeline .badge.rel-rewrite'));
    await check(page, 'the derivation tree', page.locator('ul.tree .rel-origin'));
    await check(page, 'a sentence diff', page.locator('ol.diff li.row'));
    await page.screenshot({ path: join(shots, `serve-story-${name}.png`), fullPage: false });

    // Back to the list; the story with a disagreement.
    await page.goto(`${base}/`);
    await page.locator('ol.stories li', { has: page.locator('.badge.disagree') }).first()
      .locator('h2 a').click();
    await page.waitForURL(/\/stories\/\d+$/);
    await check(page, 'a highlighted disagreement', page.locator('#disagreements blockquote mark'));
    const marks = await page.locator('#disagreements blockquote mark').allTextContents();
    assert.ok(marks.length >= 2 && marks[0] !== marks[1], `two different values: ${marks}`);
    await page.locator('#disagreements').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, `serve-disagreement-${name}.png`), fullPage: false });

    // A compare page, from the form.
    await page.goto(`${base}/compare`);
    await page.getByLabel('Article A').fill('wire-036');
    await page.getByLabel('Article B').fill('wire-037');
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.waitForURL(/compare\?a=wire-036&b=wire-037/);
    await check(page, 'the compare page', page.getByRole('heading', { name: 'Sentence by sentence' }));
    await check(page, 'an aligned row', page.locator('ol.diff li.row'));
    await page.screenshot({ path: join(shots, `serve-compare-${name}.png`), fullPage: false });

    // Nothing wider than the viewport.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the compare page scrolls sideways by ${overflow} px at ${width}`);
    await context.close();
  }
  console.log(`screenshots in ${shots}`);
} finally {
  if (browser) await browser.close();
  const code = await stopServer();
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0 && code !== null) {
    console.error(`server exited with ${code}`);
    process.exitCode = 1;
  }
}
