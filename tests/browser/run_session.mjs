// Drives Debian's Chromium through one person's session on the office pages (signing in,
// uploading, waiting, downloading), in one browser context so that its cookies carry from
// step to step, and reports what came back: pages seen at the checkpoints, what axe-core
// finds there (WCAG 2.1 A and AA), downloads, and what the browser refused (CSP).
// tests/browser/print_page_test.cpp plans the sessions and judges the report.
//
//   node run_session.mjs <plan.json> <report.json>
//
// The plan: { "chromium": path, "sessions": [ { "name", "javaScript": bool,
//   "viewport": [w, h], "steps": [
//     { "goto": url } | { "fill": selector, "value" } | { "upload": selector, "file" }
//   | { "click": selector }                 (and waits for the page it leads to)
//   | { "press": selector }                 (a click a script answers: no new page)
//   | { "evaluate": name, "script": expr }  (its value goes to report.values[name])
//   | { "waitFor": selector, "seconds" }    (across reloads: a page that refreshes itself)
//   | { "download": selector, "file" }      (clicks it and keeps the file there)
//   | { "viewport": [w, h] }
//   | { "check": name, "screenshot": path or "" } ] } ] }
// A check records the page as it is: url, status, html, axe violations, page width, the
// focus outline of the first Tab stop. With scripts off axe cannot run in the page itself,
// so the page is shown again, byte for byte with its headers, in a page with scripts on.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(path.join(process.env.NODE_PATH || process.cwd(), 'noop.js'));
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [planFile, reportFile] = process.argv.slice(2);
// Screenshots of the whole page when they become samples/ (EXAMDOCS_UPDATE_SAMPLES, which the
// test reads as well); else of the screen only, which spares resizing the page to its full
// height and back: then the file only shows that a shot is taken.
const samplesUpdated = process.env.EXAMDOCS_UPDATE_SAMPLES !== undefined;
const plan = JSON.parse(readFileSync(planFile, 'utf8'));

const browser = await chromium.launch({
  executablePath: plan.chromium,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});

// axe-core comes with every document of a context that checks pages, through the DevTools
// protocol and not as a <script> on the page: its CSP stays in force. Once per document,
// not evaluated before each run.
async function axeViolations(page) {
  // Only violations: axe then skips collecting the nodes that passed or were incomplete.
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations.map(v => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary),
    }));
  });
}

async function focusOutline(page) {
  await page.keyboard.press('Tab');
  return page.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return document.activeElement.tagName + ' ' + style.outlineStyle + ' ' + style.outlineWidth;
  });
}

const passedOn = ['content-length', 'connection', 'keep-alive', 'transfer-encoding', 'date'];
// With scripts off axe cannot run in the session's page, so the page is shown again in this
// one, with scripts on, for every such check of the run: one context (a new context is a
// new renderer process, about a second of CPU), which holds no cookies: the page shown is
// the response, as it came.
let shown = null;
let refused = [];
async function shownPage() {
  if (!shown) {
    const context = await browser.newContext();
    await context.addInitScript(axeSource);
    shown = await context.newPage();
    shown.on('console', m => {
      if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
    });
  }
  return shown;
}

const reports = [];
for (const session of plan.sessions) {
  const [width, height] = session.viewport || [1280, 900];
  const context = await browser.newContext({
    viewport: { width, height },
    javaScriptEnabled: session.javaScript,
    acceptDownloads: true,
  });
  if (session.steps.some(step => step.paste)) {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  }
  if (session.javaScript && session.steps.some(step => step.check)) {
    await context.addInitScript(axeSource);
  }
  const page = await context.newPage();
  refused = [];
  page.on('console', m => {
    if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
  });
  let response = null;
  page.on('response', r => {
    if (r.request().isNavigationRequest() && r.request().frame() === page.mainFrame()) response = r;
  });
  const report = { name: session.name, error: '', checks: [], downloads: [], values: {} };
  try {
    for (const step of session.steps) {
      if (step.goto) await page.goto(step.goto);
      if (step.fill) await page.fill(step.fill, step.value);
      if (step.paste) {
        await page.evaluate(text => navigator.clipboard.writeText(text), step.value);
        await page.locator(step.paste).selectText();
        await page.keyboard.press('Control+V');
        await page.waitForFunction(([selector, text]) => document.querySelector(selector).value === text,
                                   [step.paste, step.value]);
      }
      if (step.upload) await page.setInputFiles(step.upload, step.file);
      if (step.click) await Promise.all([page.waitForNavigation(), page.click(step.click)]);
      if (step.press) await page.click(step.press);
      if (step.evaluate) report.values[step.evaluate] = JSON.stringify(await page.evaluate(step.script));
      if (step.waitFor) {
        await page.waitForSelector(step.waitFor, { timeout: (step.seconds || 120) * 1000 });
        await page.waitForLoadState('load');
      }
      if (step.viewport) await page.setViewportSize({ width: step.viewport[0], height: step.viewport[1] });
      if (step.download) {
        const [download] = await Promise.all([page.waitForEvent('download'), page.click(step.download)]);
        await download.saveAs(step.file);
        report.downloads.push({ file: step.file, suggested: download.suggestedFilename() });
      }
      if (step.check) {
        const check = { name: step.check, url: page.url(), status: response ? response.status() : 0 };
        check.headers = response ? await response.allHeaders() : {};
        check.html = await page.content();
        let judged = page;
        if (!session.javaScript) {
          const body = response ? await response.body() : Buffer.from('');
          const headers = {};
          for (const [k, v] of Object.entries(check.headers)) {
            if (!passedOn.includes(k)) headers[k] = v;
          }
          judged = await shownPage();
          await judged.unrouteAll();
          await judged.setViewportSize(page.viewportSize());
          await judged.route(check.url, route =>
            route.request().isNavigationRequest()
              ? route.fulfill({ status: check.status, headers, body })
              : route.continue());
          await judged.goto(check.url);
        }
        check.violations = await axeViolations(judged);
        check.scrollWidth = await judged.evaluate(() => document.documentElement.scrollWidth);
        check.viewportWidth = judged.viewportSize().width;
        if (step.screenshot) await judged.screenshot({ path: step.screenshot, fullPage: samplesUpdated });
        check.focusOutline = await focusOutline(judged);
        report.checks.push(check);
      }
    }
  } catch (e) {
    report.error = String(e && e.stack || e);
  }
  report.refused = [...refused];
  reports.push(report);
  await context.close();
}
await browser.close();
writeFileSync(reportFile, JSON.stringify(reports, null, 1));
