// Drives Debian's Chromium through the visits a test plans (tests/browser/verify_page_test.cpp)
// and reports what a person would have got: the final page, its status and headers, what
// axe-core finds against WCAG 2.1 A and AA at 390 and 320 px wide, whether the page is
// wider than a 320 px screen, and what the browser refused (CSP) on the way.
//
//   node visit_pages.mjs <plan.json> <report.json>
//
// The plan: { "chromium": path, "visits": [ { "name", "url", "javaScript": bool,
//   "steps": [ { "fill": selector, "value" } | { "upload": selector, "file" }
//            | { "click": selector } | { "uploadAndWait": selector, "file" } ],
//   "screenshot": path or "" } ] }
// Node modules come from the build directory (NODE_PATH), where the build installed them.
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

async function axeViolations(page) {
  // Only violations: axe then skips collecting the nodes that passed or were incomplete,
  // which nothing here reads.
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations.map(v => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary),
    }));
  });
}

// axe-core needs timers, which do not run in a page with scripts off. So each page is
// reached as the plan says (scripts off, as a person with them off would), and then shown
// again, byte for byte with its headers, in a second page with scripts on for checking.
const checkContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
// axe-core comes with every document of the check page, through the DevTools protocol and
// not as a <script> on the page: the page's CSP allows none but its own files, and it stays
// in force. Once per document rather than evaluated before each run.
await checkContext.addInitScript(axeSource);
const checkPage = await checkContext.newPage();
const refused = [];
const noteRefusals = m => {
  if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
};
checkPage.on('console', noteRefusals);
const passedOn = ['content-length', 'connection', 'keep-alive', 'transfer-encoding', 'date'];

// One page for the visits with scripts off and one for those with them on, each in a
// context of its own: a new context is a new renderer process, about a second of CPU, and
// the verification page sets no cookies and stores nothing that one visit could leave to
// the next (each visit starts with goto, a new document).
const visitPages = new Map();
async function visitPage(javaScript) {
  if (!visitPages.has(javaScript)) {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      javaScriptEnabled: javaScript,
    });
    const page = await context.newPage();
    page.on('console', noteRefusals);
    visitPages.set(javaScript, page);
  }
  return visitPages.get(javaScript);
}

const reports = [];
for (const visit of plan.visits) {
  const page = await visitPage(visit.javaScript);
  refused.length = 0;
  const report = { name: visit.name, error: '' };
  try {
    let response = await page.goto(visit.url);
    for (const step of visit.steps || []) {
      if (step.fill) await page.fill(step.fill, step.value);
      if (step.upload) await page.setInputFiles(step.upload, step.file);
      if (step.click) {
        [response] = await Promise.all([page.waitForNavigation(), page.click(step.click)]);
      }
      if (step.uploadAndWait) {
        // No click: the page's script sends the form once a picture is chosen.
        [response] = await Promise.all([
          page.waitForNavigation(),
          page.setInputFiles(step.uploadAndWait, step.file),
        ]);
      }
    }
    report.status = response ? response.status() : 0;
    report.headers = response ? await response.allHeaders() : {};
    report.url = page.url();
    const body = response ? await response.body() : Buffer.from('');
    report.html = body.toString('utf8');

    const headers = {};
    for (const [k, v] of Object.entries(report.headers)) {
      if (!passedOn.includes(k)) headers[k] = v;
    }
    await checkPage.unrouteAll();
    await checkPage.route(report.url, route =>
      route.request().isNavigationRequest()
        ? route.fulfill({ status: report.status, headers, body })
        : route.continue());
    await checkPage.setViewportSize({ width: 390, height: 844 });
    await checkPage.goto(report.url);
    report.violations390 = await axeViolations(checkPage);
    if (visit.screenshot) await checkPage.screenshot({ path: visit.screenshot, fullPage: samplesUpdated });
    await checkPage.setViewportSize({ width: 320, height: 640 });
    report.violations320 = await axeViolations(checkPage);
    report.scrollWidth320 = await checkPage.evaluate(() => document.documentElement.scrollWidth);
    // Focus must be visible: the outline of what the Tab key reaches first, as drawn.
    await checkPage.keyboard.press('Tab');
    report.focusOutline = await checkPage.evaluate(() => {
      const style = getComputedStyle(document.activeElement);
      return document.activeElement.tagName + ' ' + style.outlineStyle + ' ' + style.outlineWidth;
    });
  } catch (e) {
    report.error = String(e && e.stack || e);
  }
  report.refused = [...refused];
  reports.push(report);
}
await browser.close();
writeFileSync(reportFile, JSON.stringify(reports, null, 1));
