// A person at the login page, in a real headless Chromium (Debian's, driven by playwright-core):
//
//   node sign_in.mjs CONFIG_JSON
//
// CONFIG_JSON: {"url": the /authorize URL, "username", "password", "tick": [scopes to tick],
// "redirect": the client's redirect URI, "screenshot": a PNG path or "", "chromium": the browser,
// "modules": the node_modules directory holding playwright-core}.
// Opens the page, checks it is usable (labels, no external requests), types the user's name and
// password, ticks the elevated scopes asked for, submits, and prints as JSON where the server
// sent the browser (the redirect URI with code, state and iss), the scopes the page offered,
// and every request the page made. Nothing need listen at the redirect URI.

import { createRequire } from "node:module";

const config = JSON.parse(process.argv[2]);
// playwright-core is installed with the other end-to-end tools, not beside this script.
const { chromium } = createRequire(`${config.modules}/`)("playwright-core");
const browser = await chromium.launch({
  executablePath: config.chromium,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
const result = { requests: [], offered: [], labels: {}, redirected: null, errors: [] };
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("request", (request) => result.requests.push(request.url()));
  page.on("pageerror", (error) => result.errors.push(String(error)));
  const response = await page.goto(config.url);
  result.status = response.status();
  result.title = await page.title();
  result.lang = await page.getAttribute("html", "lang");
  for (const name of ["username", "password"]) {
    const id = await page.getAttribute(`input[name="${name}"]`, "id");
    result.labels[name] = id ? ((await page.locator(`label[for="${id}"]`).textContent()) ?? "").trim() : null;
  }
  for (const box of await page.locator('input[type="checkbox"][name="scope"]').all()) {
    result.offered.push(await box.getAttribute("value"));
  }
  await page.getByLabel(result.labels.username || "username").fill(config.username);
  await page.locator('input[name="password"]').fill(config.password);
  for (const scope of config.tick) {
    await page.locator(`input[type="checkbox"][name="scope"][value="${scope}"]`).check();
  }
  if (config.screenshot) await page.screenshot({ path: config.screenshot, fullPage: true });
  // Playwright's routes do not see a redirect's target: the request to the redirect URI is
  // watched instead (nothing listens there; the browser's own error page is of no interest).
  const redirected = page.waitForRequest((request) => request.url().startsWith(config.redirect), {
    timeout: 30000,
  });
  await page.locator('form [type="submit"]').first().click({ noWaitAfter: true });
  result.redirected = (await redirected).url();
} catch (error) {
  result.errors.push(String(error));
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
