// Drives edgespot's admin status page in headless Chromium (Debian's, through playwright-core) and reads back
// the numbers it shows. Used by StatusPageBrowserIT; also usable by hand:
//
//   printf 'read\nscreenshot desktop\nphone phone\n' | node status-page.mjs http://127.0.0.1:9901/ /tmp/shots
//
// Arguments: the status page URL and a directory for screenshots.
// Environment: CHROMIUM, the browser binary (default: `chromium` found on PATH); EDGESPOT_ADMIN_TOKEN, a bearer
// token sent with every request, for an admin listener with readRequiresToken (kept out of the command line).
//
// Once the page shows live data it prints {"ready":true,"reading":{...}}, then answers each command read from
// stdin, one per line, with one JSON line on stdout:
//   read               the numbers shown now                               {"reading":{...}}
//   screenshot NAME    full-page PNG at DIR/NAME.png, 1280x800 desktop     {"path":"..."}
//   phone NAME         the page opened anew on a 390x844 phone: full-page  {"path":"...","scrollWidth":N,
//                      PNG at DIR/NAME.png, and its horizontal overflow     "innerWidth":N,"reading":{...}}
//   quit (or end of input)
// A failed command answers {"error":"..."}; a failure to start prints it on stderr and exits 1.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const TIMEOUT_MS = 15_000;
// Starting Chromium on two CPUs busy with the rest of the test suite took over 15 s once; the Java side waits 60 s
// for the first answer, which covers this launch and the page's first load.
const LAUNCH_TIMEOUT_MS = 45_000;
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
// As root (--no-sandbox) and without outside network: no background connections Chromium would make on its own.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function onPath(name) {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

// Runs in the page: the numbers it shows, parsed from the text a person sees.
function readPage() {
  const number = (text) => {
    const m = /-?\d+(?:\.\d+)?/.exec(text || '');
    return m ? Number(m[0]) : null;
  };
  const ratio = (text) => {
    const m = /(\d+)\s*\/\s*(\d+)/.exec(text || '');
    return m ? { active: Number(m[1]), max: Number(m[2]) } : null;
  };
  const stat = (root, name) => {
    const e = root.querySelector(`[data-stat="${name}"]`);
    return e ? e.textContent : null;
  };
  const text = (id) => document.getElementById(id).textContent;
  const tenants = {};
  for (const card of document.querySelectorAll('[data-tenant]')) {
    tenants[card.dataset.tenant] = {
      requests: number(stat(card, 'requests')),
      requestsPerSecond: number(stat(card, 'requests-per-second')),
      serverErrorPercent: number(stat(card, 'server-error-ratio')),
      cacheEntries: number(stat(card, 'cache-entries')),
      hitRatioPercent: number(stat(card, 'hit-ratio')),
      webSockets: ratio(stat(card, 'websockets')),
    };
  }
  return {
    link: text('link'),
    drain: text('drain'),
    generation: number(text('generation')),
    webSockets: ratio(text('instance-ws')),
    tenants,
  };
}

class StatusPage {
  constructor(browser, url, errors) {
    this.browser = browser;
    this.url = url;
    this.errors = errors;
  }

  // A new context and page showing live data (the link badge says so once the first status arrived).
  async open(options) {
    const headers = process.env.EDGESPOT_ADMIN_TOKEN
      ? { Authorization: `Bearer ${process.env.EDGESPOT_ADMIN_TOKEN}` } : {};
    const context = await this.browser.newContext({ ...options, extraHTTPHeaders: headers });
    context.setDefaultTimeout(TIMEOUT_MS);
    const page = await context.newPage();
    page.on('pageerror', (e) => this.errors.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') {
        this.errors.push(`console: ${m.text()} (${m.location().url})`);
      }
    });
    const response = await page.goto(this.url);
    if (!response || !response.ok()) {
      throw new Error(`${this.url} answered ${response ? response.status() : 'nothing'}`);
    }
    await page.waitForFunction(() => ['live', 'polling'].includes(document.getElementById('link').textContent));
    return { context, page };
  }

  async reading(page) {
    return { ...(await page.evaluate(readPage)), errors: [...this.errors] };
  }
}

async function main() {
  const [url, shots] = process.argv.slice(2);
  if (!url || !shots) {
    throw new Error('usage: node status-page.mjs URL SCREENSHOT_DIR');
  }
  const executablePath = process.env.CHROMIUM || onPath('chromium');
  if (!executablePath) {
    throw new Error('no chromium on PATH (apt-get install chromium), and CHROMIUM is not set');
  }
  mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({ executablePath, headless: true, args: ARGS, timeout: LAUNCH_TIMEOUT_MS });
  try {
    const status = new StatusPage(browser, url, []);
    const { page } = await status.open(DESKTOP);
    const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
    say({ ready: true, reading: await status.reading(page) });
    for await (const line of createInterface({ input: process.stdin })) {
      const [command, name] = line.trim().split(/\s+/);
      if (command === 'quit') {
        break;
      }
      try {
        if (command === 'read') {
          say({ reading: await status.reading(page) });
        } else if (command === 'screenshot' && name) {
          const path = resolve(shots, `${name}.png`);
          await page.screenshot({ path, fullPage: true });
          say({ path });
        } else if (command === 'phone' && name) {
          const phone = await status.open(PHONE);
          const path = resolve(shots, `${name}.png`);
          const widths = await phone.page.evaluate(() => ({
            scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth }));
          await phone.page.screenshot({ path, fullPage: true });
          say({ path, ...widths, reading: await status.reading(phone.page) });
          await phone.context.close();
        } else {
          say({ error: `unknown command '${line.trim()}'` });
        }
      } catch (e) {
        say({ error: e.message });
      }
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  process.stderr.write(`status-page: ${e.message}\n`);
  process.exit(1);
});
