// Drives Debian's Firefox ESR through WebDriver BiDi (puppeteer-core) on the
// demo shop of a running Consentry, with Firefox's own Global Privacy
// Control switched on, as a visitor who sets it does. TestFirefoxGPC
// (../firefox_test.go) runs it and asserts on what it prints and on the
// ledger.
//
//	node gpc.mjs BASE FIREFOX PROFILE LIMIT_MS COUNTRY_HEADER
//
// BASE is the server (http://127.0.0.1:PORT), FIREFOX the browser, PROFILE an
// empty directory for a fresh profile, LIMIT_MS a hard limit on the whole
// run and COUNTRY_HEADER the header the server takes a visitor's country
// from (as a CDN sets it). Prints one JSON object on stdout; a failed step exits non-zero with
// the reason on stderr. Firefox is killed on every way out, the limit
// included (puppeteer kills its process group when node exits).
import puppeteer from "puppeteer-core";

const [base, executablePath, userDataDir, limitArg, countryHeader] = process.argv.slice(2);
const limit = Number(limitArg);
if (!base || !executablePath || !userDataDir || !(limit > 0) || !countryHeader) {
  console.error("usage: node gpc.mjs BASE FIREFOX PROFILE LIMIT_MS COUNTRY_HEADER");
  process.exit(2);
}
// wait bounds one wait for the page to reach a state (as waitTimeout in
// ../helpers_test.go, longer: Firefox is slower on a busy machine).
const wait = 60_000;
setTimeout(() => {
  console.error(`gpc.mjs: still running after ${limit} ms: stopped`);
  process.exit(3);
}, limit).unref();

// Off-box traffic goes to a closed local port: Firefox's own services
// (remote settings, experiments, telemetry) fail at once and nothing leaves
// the machine. 127.0.0.1 is never proxied.
const closed = { host: "127.0.0.1", port: 9 };
const prefs = {
  // Global Privacy Control in every window, not only private ones: the
  // Sec-GPC: 1 header and navigator.globalPrivacyControl === true.
  "privacy.globalprivacycontrol.enabled": true,
  "privacy.globalprivacycontrol.functionality.enabled": true,
  "network.proxy.type": 1,
  "network.proxy.http": closed.host,
  "network.proxy.http_port": closed.port,
  "network.proxy.ssl": closed.host,
  "network.proxy.ssl_port": closed.port,
  "network.proxy.socks": closed.host,
  "network.proxy.socks_port": closed.port,
  "network.proxy.socks_remote_dns": true,
  "network.proxy.allow_hijacking_localhost": false,
  "network.trr.mode": 5,
  "network.dns.disablePrefetch": true,
  "network.prefetch-next": false,
  "network.connectivity-service.enabled": false,
  "network.captive-portal-service.enabled": false,
  "app.shield.optoutstudies.enabled": false,
  "messaging-system.rsexperimentloader.enabled": false,
  "toolkit.telemetry.enabled": false,
  "browser.region.update.enabled": false,
  "extensions.systemAddon.update.enabled": false,
};

// part is the banner's element with the data-testid, in the snippet's open
// shadow root (as part() in ../helpers_test.go: the first layer's dialog and
// buttons have none, and are named by what the snippet uses).
const firstLayer = { banner: ".cy-banner", customize: '.cy-banner [data-action="customize"]' };
const part = (id) => `document.querySelector("[data-consentry]")?.shadowRoot?.querySelector('${firstLayer[id] || `[data-testid="${id}"]`}')`;
const prefsPart = (sel) => `${part("prefs")}?.querySelector('${sel}')`;
const reopenButton = `[...document.body.children].map(h => h.shadowRoot?.querySelector('[data-testid="reopen"]')).find(Boolean)`;
const visible = (expr) => `((e) => !!e && !e.hidden && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden")(${expr})`;

const began = Date.now();
const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath,
  userDataDir,
  headless: true,
  extraPrefsFirefox: prefs,
  timeout: limit,
  protocolTimeout: limit,
  env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: "1" },
});
// ms says where the time went: Firefox's start, the visit, its stop.
const out = { firefox: await browser.version(), errors: [], ms: { launch: Date.now() - began } };
try {
  const watch = (page) => {
    page.setDefaultTimeout(wait);
    page.on("pageerror", (e) => out.errors.push(String(e)));
    return page;
  };
  // page is the visitor's tab, which the helpers below act on.
  let page = watch(await browser.newPage());
  const until = (what, expr) =>
    page.waitForFunction(expr, { polling: 50 }).catch((e) => {
      throw new Error(`waiting for ${what}: ${e.message}`);
    });
  // click clicks an element at its centre with Firefox's own mouse input.
  const click = async (what, expr) => {
    const h = await page.evaluateHandle(expr);
    const el = h.asElement();
    if (!el) throw new Error(`clicking ${what}: no such element`);
    await el.click();
    await h.dispose();
  };
  // seen is what the visitor's page holds after a step.
  const seen = () =>
    page.evaluate(() => ({
      state: window.Consentry?.get() ?? null,
      ran: window.demoRan || [],
      iframeSrc: document.querySelector('iframe[data-consent="marketing"]')?.getAttribute("src") || "",
      cookies: document.cookie.split(";").map((c) => c.split("=")[0].trim()).filter(Boolean),
      consentMode: (window.dataLayer || []).filter((e) => e && e[0] === "consent").map((e) => ({ cmd: e[1], types: e[2] })),
    }));
  const settle = () => page.evaluate(() => new Promise((r) => setTimeout(() => requestAnimationFrame(() => setTimeout(r, 250)))));

  await page.goto(base + "/demo", { waitUntil: "load" });
  out.navigatorGPC = await page.evaluate(() => navigator.globalPrivacyControl);
  // The banner's answer says whether the request carried Sec-GPC: 1 (asked
  // without ?gpc=1, which the snippet adds from navigator): what the
  // server got from Firefox's network stack.
  out.serverGPC = await page.evaluate(async (url) => (await (await fetch(url, { cache: "no-store" })).json()).gpc,
    base + "/api/v1/sites/demo/banner?v=3&lang=en");

  await until("the banner", visible(part("banner")));
  out.notice = await page.evaluate(`((e) => e && ${visible("e")} ? e.textContent.trim() : "")(${part("gpc-notice")})`);
  await click("Customize", part("customize"));
  await until("the preference center", visible(part("prefs")));
  out.prefsNotice = await page.evaluate(`[...${part("prefs")}.querySelectorAll(".cy-note")].map(n => n.textContent.trim()).join(" ")`);
  out.switches = await page.evaluate(`Object.fromEntries([...${part("prefs")}.querySelectorAll("input[data-category]")].map(i => [i.dataset.category, i.checked]))`);
  await settle();
  out.before = await seen();

  // A decision: analytics on, the rest as it was, saved.
  await click("the analytics switch", prefsPart('input[data-category="analytics"]'));
  await click("Save", prefsPart('[data-testid="save"]'));
  await until("the saved choice", `(window.Consentry.get()?.granted || []).includes("analytics")`);
  await until("the analytics script", `(window.demoRan || []).includes("analytics")`);
  await settle();
  out.saved = await seen();

  // Another: Accept all in the reopened preference center.
  await until("the reopen button", visible(reopenButton));
  await click("Cookie settings", reopenButton);
  await until("the preference center again", visible(part("prefs")));
  await click("Accept all", prefsPart('[data-action="accept_all"]'));
  await until("the acceptance", `(window.Consentry.get()?.granted || []).includes("preferences")`);
  await settle();
  out.accepted = await seen();

  // A visitor from the US, where the site makes GPC an opt-out, in a
  // browser context of its own (no cookies of the first): the signal's
  // opt-out is recorded unasked.
  const us = await browser.createBrowserContext();
  page = watch(await us.newPage());
  await page.setExtraHTTPHeaders({ [countryHeader]: "US" });
  await page.goto(base + "/demo", { waitUntil: "load" });
  await until("the recorded opt-out", `!!window.Consentry.get()?.consent_id`);
  await until("the analytics script", `(window.demoRan || []).includes("analytics")`);
  await settle();
  out.optOut = await seen();
  out.optOutBanner = await page.evaluate(visible(part("banner")));
  out.ms.visit = Date.now() - began - out.ms.launch;
} finally {
  await browser.close();
}
out.ms.close = Date.now() - began - out.ms.launch - (out.ms.visit ?? 0);
console.log(JSON.stringify(out));
