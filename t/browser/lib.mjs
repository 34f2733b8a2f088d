// What the browser tests share: Debian's Chromium (never a downloaded
// one) and how it is started, and the accessibility check every page
// passes (axe-core, WCAG 2.1 AA).
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

export const launch = () => chromium.launch(CHROMIUM);

// A persistent profile (a browser with a cache of its own) with extra
// options, as the storefront's caching tests want.
export const launchPersistent = (profile, options) =>
  chromium.launchPersistentContext(profile, { ...CHROMIUM, ...options });

export async function assertAccessible(page, name) {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`);
  assert.deepEqual(summary, [], `${name}: accessibility violations`);
}

// A page in a new context of browser, closed after test t: a desktop
// window (the admin panel's), with or without JavaScript.
export async function desktopPage(browser, t, { js = true, viewport = { width: 1280, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport, javaScriptEnabled: js });
  t.after(() => context.close());
  return context.newPage();
}

// Click locator and wait for the page that loads: its response.
export async function clickToLoad(page, locator) {
  const [res] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return res;
}
