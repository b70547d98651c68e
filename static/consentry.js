// Consentry snippet: the one script a site embeds.
//
//   <script src="https://consent.example.com/c.js" data-site="SITE_ID"></script>
//
// It declares Google Consent Mode v2 defaults before anything else can run,
// applies a stored decision from the first-party "consentry" cookie at once,
// shows the banner (server-rendered, inside an open shadow root) when there is
// no current decision, records decisions, and runs blocked scripts and
// iframes only for granted categories, in the page's order. It works under a
// strict Content-Security-Policy: revived scripts carry the nonce of its own
// tag, and the banner's styles come from a stylesheet on Consentry's origin
// plus CSSOM writes, never a <style> element or a style attribute. The
// server minifies it; keep it dependency-free and small (DESIGN.md: 8 KB
// gzipped for everything before the banner shows).
(() => {
  "use strict";
  var w = window, d = document;
  if (w.Consentry) return;

  var me = d.currentScript;
  var site = me && me.getAttribute("data-site");
  var nonce = me && me.nonce;
  var base = me ? new URL(me.src, location).origin : "";
  var api = base + "/api/v1/sites/" + encodeURIComponent(site || "");
  var COOKIE = "consentry";
  var CM = ["ad_storage", "ad_user_data", "ad_personalization", "analytics_storage",
    "functionality_storage", "personalization_storage", "security_storage"];
  var gpc = navigator.globalPrivacyControl === true;

  // Google Consent Mode v2: the default goes first, before any blocked tag.
  var dl = w.dataLayer = w.dataLayer || [];
  function gtag() { dl.push(arguments); }
  function cm(bits) {
    var o = {};
    CM.forEach((t, i) => { o[t] = bits >> i & 1 ? "granted" : "denied"; });
    return o;
  }
  var def = cm(64);
  def.wait_for_update = 500;
  gtag("consent", "default", def);
  // Microsoft UET consent mode's default; the Meta pixel learns the state
  // through fbq("consent", …) once the site's pixel code has defined fbq.
  var uet = w.uetq = w.uetq || [];
  uet.push("consent", "default", { ad_storage: "denied" });
  // Every vendor signal: Consent Mode from the site's mapping; UET and the
  // Meta pixel from the category the site maps each to (the banner answer's
  // "signals"), else with ad_storage.
  function signal() {
    var bits = state.consent_mode, sg = ui && ui.sg || {};
    function on(k) { return sg[k] ? has(sg[k]) : bits & 1; }
    gtag("consent", "update", cm(bits));
    uet.push("consent", "update", { ad_storage: on("uet") ? "granted" : "denied" });
    if (w.fbq) w.fbq("consent", on("meta") ? "grant" : "revoke");
  }

  var state = null;      // the current decision, or null
  var banner = null;     // {data, root, host} once fetched
  var listeners = [];
  var opener = null;     // element focused before the dialog opened
  var resolveReady;
  var ready = new Promise((r) => { resolveReady = r; });

  // The token is a gorilla/securecookie value: base64url("date|payload|mac")
  // with payload base64url(JSON). The server checks the MAC; the snippet only
  // reads what the token says about the visitor's own choice.
  function b64(s) { return atob(s.replace(/-/g, "+").replace(/_/g, "/")); }
  function readToken(tok) {
    try {
      var c = JSON.parse(b64(b64(tok).split("|")[1]));
      if (c.s === site && !(c.exp * 1000 <= Date.now())) return c;
    } catch (e) { /* not a token: none */ }
  }
  function cookie(name) {
    var m = d.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : null;
  }
  function toState(c) {
    return {
      consent_id: c.id, revision: c.r, granted: c.g.slice(),
      expires_at: new Date(c.exp * 1000).toISOString(), consent_mode: c.cm
    };
  }
  function has(cat) { return !!state && state.granted.indexOf(cat) >= 0; }

  // Blocked elements: <script type="text/plain" data-consent="cat"
  // data-src="URL"> (or inline) and <iframe data-consent="cat" data-src>.
  // data-consent may name several categories, space separated; all must be
  // granted. Old pages name a blocked script's URL in src: still accepted.
  // A tag autoblock held (data-autoblock) must also be of a service the
  // site declares (may).
  function allowed(el) {
    return el.cyOnce || el.getAttribute("data-consent").split(/\s+/).every(has) &&
      (!el.hasAttribute("data-autoblock") || may(tracker(el.getAttribute("data-src"))));
  }

  // Automatic blocking (data-autoblock): a script or iframe from a known
  // tracker host becomes a marked one before it can run or load, and is then
  // released on grant like any marked element, if the site declares its
  // service (may). A host covers its
  // subdomains. Built in: the best-known trackers; the site's own services
  // (the banner answer's "services" with their hosts) are added to them and
  // kept for later pages, with the placeholder's texts (ui). Those texts
  // are in the language of the page that fetched them, for its Global
  // Privacy Control signal (q, what it asked for): a page asking for
  // another language, or whose browser has turned the signal on or off
  // since, keeps the hosts, shows no placeholder yet, and fetches its own
  // texts with the revision check.
  var auto = me && me.hasAttribute("data-autoblock"), hosts = {}, ui = null;
  try { ui = JSON.parse(localStorage.getItem("consentry:" + site)); } catch (e) { /* storage off */ }
  if (ui && ui.q !== lang() + gpc) ui.t = 0;
  function addHosts(svcs) {
    (svcs || []).forEach((v) => { v.h.forEach((h) => { hosts[h] = v; }); });
  }
  ("analytics google-analytics.com googletagmanager.com hotjar.com clarity.ms matomo.cloud hs-analytics.net " +
    "marketing doubleclick.net googleadservices.com googlesyndication.com facebook.net facebook.com youtube.com " +
    "youtube-nocookie.com google.com/maps vimeo.com bat.bing.com licdn.com ads.linkedin.com analytics.tiktok.com hs-scripts.com")
    .split(" ").reduce((cat, h) => { if (h.indexOf(".") < 0) return h; hosts[h] = { c: cat }; return cat; }, "");
  addHosts(ui && ui.sv);
  // The service a URL loads from, or undefined. A host with a path
  // ("google.com/maps": the maps embedded from www.google.com) wins over a
  // host alone ("www.google.com": reCAPTCHA) at any depth.
  function tracker(url) {
    var u, h, k, seg;
    try { u = new URL(url, location); } catch (e) { return; }
    seg = "/" + u.pathname.split("/")[1];
    for (k = 0; k < 2; k++) {
      for (h = u.hostname; h; h = h.slice(h.indexOf(".") + 1 || h.length)) if (hosts[k ? h : h + seg]) return hosts[k ? h : h + seg];
    }
  }
  // Whether a granted category releases a tracker's tag: only a service
  // the site declares (a built-in host alone is a vendor the visitor was
  // never told of), and only for a decision the site's services are known
  // for (ui.m: the oldest revision whose decisions still stand; a newer
  // material revision's services wait for the visitor's new decision).
  // Until the snippet knows the site's services (storage off: until the
  // revision check answers), nothing autoblocked runs.
  function may(svc) {
    return svc.h && state.revision >= ui.m;
  }
  function isFrame(el) { return el.tagName == "IFRAME"; }
  // Marks an element about to load url as blocked, when url is a tracker's
  // and its category is not granted; reports whether it did. A necessary
  // service (Stripe, reCAPTCHA) runs before any decision, as it always may.
  // An element it marked before (a) is decided afresh for its new url,
  // unless the visitor loaded it once; a page's own marked tag is left as
  // it is. The src an element had (about:blank, say) goes: a held one must
  // have none, so that its release sets it.
  function hold(el, url) {
    var a = el.hasAttribute("data-autoblock"), svc = auto && url && !el.cyOnce && (a || !el.getAttribute("data-consent")) && tracker(url), cat = svc && svc.c;
    if (!cat || cat == "necessary" || has(cat) && may(svc)) return false;
    // For the site owner's devtools: a tracker no service of the site
    // declares stays held whatever the visitor allows.
    if (ui && !svc.h) console.warn("consentry: held, no service of this site lists it:", url);
    // Once marked, a script's type set goes to data-type: it is text/plain.
    if (!a && el.tagName == "SCRIPT") el.type = "text/plain";
    el.removeAttribute("src");
    el.setAttribute("data-autoblock", "");
    el.setAttribute("data-consent", cat);
    el.setAttribute("data-src", url);
    return true;
  }
  if (auto) {
    // Tags inserted by script (a tag manager, the Meta pixel's loader) are
    // held when their src is set, as a property or with setAttribute,
    // before they are in the page: once in it, a script has started and
    // an iframe has sent its request. Every script and iframe element of
    // the page is covered, however it was made. One held once it is in the
    // page (a lazy loader sets its src late) is taken at once, so that a
    // frame shows its placeholder.
    [HTMLScriptElement, HTMLIFrameElement].forEach((C) => {
      var P = C.prototype, set = P.setAttribute;
      ["src", "type"].forEach((a) => {
        var prop = Object.getOwnPropertyDescriptor(P, a);
        if (prop) Object.defineProperty(P, a, { configurable: true, get: prop.get, set: function (v) { this.setAttribute(a, v); } });
      });
      P.setAttribute = function (n, v) { /^src$/i.test(n) && hold(this, v) ? take(this) : set.call(this, /^type$/i.test(n) && this.hasAttribute("data-autoblock") ? "data-type" : n, v); };
    });
  }
  // Takes an element added to the page: holds a tracker's tag written in
  // the markup (an iframe is replaced, which stops its page loading), gives
  // a blocked iframe its placeholder, and unblocks what is granted.
  function take(el) {
    var u = el.getAttribute("src");
    if (u && (isFrame(el) || !el.type || /script|module/.test(el.type)) && hold(el, u) && isFrame(el)) {
      return el.parentNode.replaceChild(el.cloneNode(true), el);
    }
    if (!el.matches(SEL)) return;
    if (state) unblock(el);
    if (isFrame(el)) placeholder(el);
  }

  // A blocked iframe shows a placeholder in its place, sized like it, in the
  // visitor's language (texts kept from the banner answer): the service,
  // what it sets, "load this once" and "allow CATEGORY". Where Global
  // Privacy Control holds the category off (ui.t.g<category>), it says
  // so, as the banner does, and offers no Allow that would change nothing.
  function placeholder(f) {
    if (f.cyPh || !ui || !ui.t || allowed(f) || !f.isConnected) return;
    var cat = f.getAttribute("data-consent").split(/\s+/)[0], url = f.getAttribute("data-src"), t = ui.t, held = gpc && t["g" + cat];
    // A built-in host the site does not declare: no Allow releases it, and
    // the placeholder says why (t.u).
    var svc = tracker(url) || {}, un = f.hasAttribute("data-autoblock") && !svc.h, name = f.getAttribute("data-service") || svc.n || new URL(url, location).hostname;
    var sets = (svc.k || []).join(t.p), cname = ui.n[cat] || cat;
    var p = f.cyPh = d.createElement("div"), r = f.getBoundingClientRect();
    p.setAttribute("data-consentry-placeholder", "");
    p.style.cssText = "display:inline-block;vertical-align:top;max-width:100%;width:" + (r.width || 300) + "px;height:" + (r.height || 150) + "px";
    var root = p.attachShadow({ mode: "open" });
    root.innerHTML = '<div class="cy cy-ph" data-testid="placeholder"><p></p><p></p><div class="cy-actions">' +
      '<button type="button" class="cy-btn cy-alt" data-action="once" data-testid="ph-once"></button>' +
      '<button type="button" class="cy-btn" data-action="allow" data-testid="ph-allow"></button></div></div>';
    var box = root.firstChild, parts = box.querySelectorAll("p,button");
    [un ? t.u : held || t.b, sets && t.c, t.o, !(held || un) && t.a].forEach((x, i) => {
      if (!x) return parts[i].remove();
      parts[i].textContent = x.replace("{service}", name).replace("{category}", cname).replace("{cookies}", sets);
    });
    // Named after the embed (the iframe's title), so that a screen reader
    // says which of several placeholders a "Load this once" belongs to.
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", f.title || name);
    box.lang = ui.l;
    box.dir = ui.dir;
    box.style.cssText = ui.v;
    root.insertBefore(sheet(ui.css), box);
    root.addEventListener("click", (ev) => {
      var a = ev.target.closest("[data-action]"), cats = {};
      if (!a) return;
      if (a.getAttribute("data-action") == "once") { f.cyOnce = 1; return unblock(f); }
      cats[cat] = true;
      if (state) state.granted.forEach((c) => { cats[c] = true; });
      // Recorded as a decision on the placeholder, whose texts the proof shows.
      decide("custom", cats, "placeholder").catch(() => { /* shown on the banner */ });
    });
    f.hidden = true;
    f.parentNode.insertBefore(p, f);
  }
  function sheet(href) {
    var l = d.createElement("link");
    l.rel = "stylesheet";
    l.href = href;
    return l;
  }

  // Revived scripts run one after another in the order they were found
  // (the page's order, then the order later ones were added): an external
  // one holds back the next until it has loaded and run.
  var chain = Promise.resolve();
  function unblock(el) {
    if (!allowed(el)) {
      if (isFrame(el)) el.removeAttribute("src");
      return;
    }
    if (isFrame(el)) {
      if (el.cyPh) {
        // A keyboard user who pressed the placeholder's button goes on
        // from the embed it loaded, not from the top of the page.
        var had = el.cyPh.shadowRoot.activeElement;
        el.cyPh.remove(); el.cyPh = null; el.hidden = false;
        if (had) el.focus();
      }
      // A src set on an iframe while the page is still being parsed made
      // no request in Chromium (it stayed about:blank): those get theirs
      // from applyAll at DOMContentLoaded.
      if (!el.getAttribute("src") && d.readyState !== "loading") el.src = el.getAttribute("data-src");
    } else if (!el.cyDone) {
      el.cyDone = 1;
      chain = chain.then(() => { return revive(el); });
    }
  }
  function revive(el) {
    return new Promise((done) => {
      var src = el.getAttribute("data-src") || el.getAttribute("src");
      function go() {
        if (!el.parentNode) return done();
        var s = d.createElement("script");
        // Its type first: a copied data-autoblock would make it data-type.
        if (el.getAttribute("data-type")) s.type = el.getAttribute("data-type");
        for (var i = 0; i < el.attributes.length; i++) {
          var a = el.attributes[i];
          if (!/^(type|src|data-src|data-consent|nonce)$/.test(a.name)) s.setAttribute(a.name, a.value);
        }
        s.nonce = el.nonce || nonce; // the page's CSP nonce
        if (src) {
          s.onload = s.onerror = done;
          s.src = src;
        } else s.text = el.text;
        el.parentNode.replaceChild(s, el);
        if (!src) done();
      }
      // An inline script still being parsed may not have all its text yet:
      // it (and whatever comes after it) runs at DOMContentLoaded instead.
      if (!src && d.readyState == "loading") d.addEventListener("DOMContentLoaded", go);
      else go();
    });
  }
  var SEL = 'script[type="text/plain"][data-consent],iframe[data-consent][data-src]';
  function applyAll() {
    d.querySelectorAll(SEL).forEach((el) => {
      if (state) unblock(el);
      if (isFrame(el)) placeholder(el);
    });
  }
  new MutationObserver((ms) => {
    ms.forEach((m) => {
      m.addedNodes.forEach((n) => {
        if (n.nodeType !== 1) return;
        if (/^(SCRIPT|IFRAME)$/.test(n.tagName)) take(n);
        n.querySelectorAll("script,iframe").forEach(take);
      });
    });
  }).observe(d.documentElement, { childList: true, subtree: true });

  // Deletes the declared cookies of categories no longer granted, on this
  // host and its parent domains. A name ending in * is a prefix.
  function dropCookies(before) {
    if (!banner) return;
    var names = d.cookie.split("; ").map((c) => { return c.split("=")[0]; });
    var k = banner.data.k || {};
    Object.keys(k).forEach((cat) => {
      if (before.indexOf(cat) < 0 || has(cat)) return;
      k[cat].forEach((name) => { names.forEach((n) => {
        var star = name.slice(-1) == "*";
        if (star ? n.indexOf(name.slice(0, -1)) !== 0 : n !== name) return;
        var parts = location.hostname.split(".");
        for (var i = 0; i < parts.length; i++) {
          var dom = i ? "; domain=." + parts.slice(i).join(".") : "";
          d.cookie = n + "=; max-age=0; path=/" + dom;
        }
      }); });
    });
  }

  function emit() {
    var s = Consentry.get();
    listeners.forEach((fn) => { try { fn(s); } catch (e) { setTimeout(() => { throw e; }); } });
    d.dispatchEvent(new CustomEvent("consentry:change", { detail: s }));
  }

  function setCookie(tok, exp) {
    var secure = location.protocol == "https:" ? "; Secure" : "";
    var age = Math.max(0, Math.floor((Date.parse(exp) - Date.now()) / 1000));
    d.cookie = COOKIE + "=" + encodeURIComponent(tok) + "; path=/; max-age=" + age + "; SameSite=Lax" + secure;
  }

  // Records a decision; resolves with the new state once the server has
  // durably committed it.
  function decide(action, cats, source) {
    var body = {
      action: action, categories: cats, revision: banner ? banner.data.revision : state && state.revision,
      lang: banner ? banner.data.l : lang(), page: location.href, source: source, gpc: gpc
    };
    // The visitor's token proves a change of mind is theirs: the server
    // records it under the token's consent ID, never under one merely named.
    body.token = cookie(COOKIE);
    body.request_id = uuid();
    var need = banner ? Promise.resolve() : load();
    return need.then(() => {
      body.revision = banner.data.revision;
      return post(body, 4, 1);
    }).then((r) => {
      var before = state ? state.granted : [], c = readToken(r.token);
      if (!c) throw new Error("consentry: unreadable token");
      state = toState(c);
      setCookie(r.token, r.expires_at);
      dropCookies(before);
      // Consent Mode learns the decision before the tags it unblocks run.
      signal();
      dl.push({ event: "consentry_consent_update", consentry: Consentry.get() });
      applyAll();
      hide();
      emit();
      return Consentry.get();
    });
  }
  // Sends a decision. A 503 (the server cannot store it right now), a 429,
  // a network error or no answer within 10 s is tried again, at most tries
  // times in all, after Retry-After or wait seconds, whichever is longer,
  // the wait doubling each time. Every attempt carries the same request_id,
  // so the server stores the decision once however many attempts reach it.
  // Any other refusal is final: trying again would be refused again.
  function post(body, tries, wait) {
    var ctl = w.AbortController && new AbortController();
    var timer = ctl && setTimeout(() => { ctl.abort(); }, 10000);
    function again(after) {
      return new Promise((r) => { setTimeout(r, Math.min(Math.max(after || 0, wait), 60) * 1000); })
        .then(() => { return post(body, tries - 1, wait * 2); });
    }
    // text/plain keeps this a simple CORS request: no preflight round trip.
    return fetch(api + "/consents", {
      method: "POST", headers: { "Content-Type": "text/plain" }, body: JSON.stringify(body), signal: ctl && ctl.signal
    }).then((res) => {
      clearTimeout(timer);
      if ((res.status === 503 || res.status === 429) && tries > 1) return again(+res.headers.get("Retry-After"));
      return res.json().then((j) => {
        if (!res.ok) throw new Error(j.error ? j.error.message : res.statusText);
        return j;
      });
    }, (e) => {
      clearTimeout(timer);
      if (tries > 1) return again();
      throw e;
    });
  }

  // uuid makes a time-ordered (version 7) UUID: request IDs are kept in a
  // B-tree for a day, and time-ordered keys append where random ones would
  // scatter (random ones roughly halve SQLite's insert rate).
  function uuid() {
    var b = crypto.getRandomValues(new Uint8Array(16)), t = Date.now(), h = "", i;
    for (i = 5; i >= 0; i--) { b[i] = t % 256; t = Math.floor(t / 256); }
    b[6] = b[6] & 15 | 112;
    b[8] = b[8] & 63 | 128;
    for (i = 0; i < 16; i++) h += (1360 >> i & 1 ? "-" : "") + (b[i] + 256).toString(16).slice(1);
    return h;
  }

  function lang() {
    return (me && me.getAttribute("data-lang")) || d.documentElement.lang || "";
  }

  // Fetches the banner. With rev set, the server answers 204 while that
  // revision is current: a returning visitor's one small, cacheable request.
  // With ui=1 too (no texts kept for this page's language), it answers the
  // texts alone instead of the 204; so it does for u, the revision the kept
  // services are of, when the site has published since (a service's new
  // host reaches later pages).
  function load(rev, part) {
    var q = "?v=4&lang=" + encodeURIComponent(lang()) + (gpc ? "&gpc=1" : "") +
      (rev ? "&rev=" + rev + (ui && ui.t ? "&u=" + ui.revision : "&ui=1") : "") + (part || "");
    return fetch(api + "/banner" + q).then((res) => {
      if (res.status === 204) return null;
      if (!res.ok) throw new Error("consentry: banner " + res.status);
      return res.json().then(part ? null : mount);
    });
  }

  // Mounts the banner in a shadow root of its own, styled by the stylesheet
  // on Consentry's origin (cached, immutable) and the site's colours set
  // through the CSSOM; resolves once the stylesheet has loaded. An answer
  // without html (ui=1) brings the texts alone, and resolves with nothing.
  function mount(data) {
    // Kept for later pages, which may not fetch the banner: the reopen
    // label, the placeholders' texts and the site's tracker hosts.
    // The answer itself is kept (v=4: short keys, compactState on the
    // server), with what this page asked for (q) and the stylesheet's URL,
    // but not its html.
    var html = data.h;
    delete data.h;
    ui = data;
    data.q = lang() + gpc;
    data.css = base + data.s;
    addHosts(data.sv);
    try { localStorage.setItem("consentry:" + site, JSON.stringify(data)); } catch (e) { /* storage off */ }
    applyAll();
    if (!html) return;
    var host = d.createElement("div");
    host.setAttribute("data-consentry", "");
    var root = host.attachShadow({ mode: "open" });
    root.innerHTML = html;
    root.firstChild.style.cssText = data.v;
    var link = sheet(ui.css);
    var styled = new Promise((r) => { link.onload = link.onerror = r; });
    root.insertBefore(link, root.firstChild);
    if (banner) banner.host.remove();
    banner = { data: data, root: root, host: host };
    cover(false);
    root.addEventListener("click", onClick);
    root.addEventListener("keydown", onKey);
    (d.body || d.documentElement).appendChild(host);
    var b = banner;
    return styled.then(() => { return b; });
  }

  function $(sel) { return banner.root.querySelector(sel); }
  function dialogs() { return banner.root.querySelectorAll(".cy-dialog"); }
  function visible() {
    var v = null;
    dialogs().forEach((x) => { if (!x.hidden) v = x; });
    return v;
  }
  // While a modal dialog is open the host covers the page, dimmed, so the
  // page behind takes no clicks either; a non-blocking banner (aria-modal
  // false) leaves the page usable.
  function cover(on) {
    banner.host.style.cssText = "position:fixed;z-index:2147483647;inset:" + (on ? "0;background:rgba(15,23,42,.3)" : "auto 0 0 0;height:0");
  }
  function open(which) {
    // The preference center comes on first use: the first answer carries
    // only the first layer and its stylesheet; the preference center's
    // part of it is linked with it, and the center shows once it has loaded.
    if (which == "cy-prefs" && !$(".cy-prefs")) {
      return load(0, "&part=prefs").then((j) => {
        var link = sheet(base + j.s);
        banner.root.appendChild(link);
        return new Promise((r) => { link.onload = link.onerror = r; }).then(() => {
          if (!$(".cy-prefs")) $(".cy").insertAdjacentHTML("beforeend", j.h);
          open(which);
        });
      }, (err) => { fail(err, "l"); });
    }
    if (!visible()) opener = d.activeElement;
    cover($("." + which).getAttribute("aria-modal") != "false");
    dialogs().forEach((x) => { x.hidden = !x.classList.contains(which); });
    fab(false);
    if (which == "cy-prefs") {
      banner.root.querySelectorAll("input[data-category]").forEach((i) => {
        if (!i.disabled) i.checked = state ? has(i.value) : i.defaultChecked;
      });
      var id = $(".cy-id");
      id.hidden = !state;
      if (state) {
        id.querySelector("code").textContent = state.consent_id;
        id.querySelector("a").href = base + "/api/v1/consents/receipt?token=" + encodeURIComponent(cookie(COOKIE));
      }
    }
    $("." + which).focus();
  }
  function hide() {
    if (!banner) return;
    var was = visible();
    dialogs().forEach((x) => { x.hidden = true; });
    cover(false);
    fab(!!state);
    // Focus goes back where it was; when nothing had it, to the way back.
    var back = opener && opener !== d.body && d.contains(opener) ? opener : fabBtn;
    if (was && back && back.focus) back.focus();
    opener = null;
  }
  // fail says what failed (what: the text's name, save_failed unless
  // the preference center could not be loaded).
  function fail(err, what) {
    var v = banner && visible();
    var p = v && v.querySelector(".cy-error");
    // The visitor is told in the banner's language; the reason, which is
    // the site's to fix, goes to the console. With no dialog on screen (the
    // preference center asked for from the way back), beside that button.
    var t = ui && ui.t && ui.t[what || "s"] || err.message;
    if (p) { p.textContent = t; p.hidden = false; }
    else if (fabBtn) {
      said = said || d.createElement("p");
      said.setAttribute("role", "alert");
      said.textContent = t;
      said.style.cssText = "all:initial;position:absolute;bottom:52px;width:max-content;max-width:70vw;background:#fff;font:14px system-ui;padding:8px;border-radius:8px;box-shadow:0 2px 8px #0004";
      fabBtn.after(said);
    }
    console.warn("consentry:", err.message);
  }

  function onClick(ev) {
    var b = ev.target.closest("[data-action]");
    if (!b) return;
    var a = b.getAttribute("data-action");
    var src = visible() && visible().classList.contains("cy-prefs") ? "preferences" : "banner";
    if (a == "dns") {
      // "Do not sell or share": everything stays as it is but what GPC covers.
      var keep = {};
      var bd = banner.data;
      Object.keys(bd.n).forEach((c) => { keep[c] = bd.g.indexOf(c) < 0 && (state ? has(c) : bd.d.indexOf(c) >= 0); });
      decide("custom", keep, src).catch(fail);
    } else if (a == "customize") open("cy-prefs");
    else if (a == "close") close();
    else if (a == "save") {
      var cats = {};
      banner.root.querySelectorAll("input[data-category]").forEach((i) => { cats[i.value] = i.checked; });
      decide("custom", cats, src).catch(fail);
    } else decide(a, undefined, src).catch(fail);
  }
  // Closing the preference center is not a decision: without one, the
  // first layer comes back.
  function close() {
    if (state) hide();
    else { open("cy-banner"); $('[data-action="customize"]').focus(); }
  }
  function onKey(ev) {
    var v = visible();
    if (!v) return;
    if (ev.key == "Escape" && v.classList.contains("cy-prefs")) { ev.preventDefault(); close(); return; }
    if (ev.key !== "Tab" || v.getAttribute("aria-modal") == "false") return;
    // Keep focus inside the open (modal) dialog.
    var f = [...v.querySelectorAll("button,input,summary,a[href]")].filter((x) => {
      return !x.disabled && x.getClientRects().length > 0;
    });
    var first = f[0], last = f[f.length - 1], cur = banner.root.activeElement;
    if (ev.shiftKey && (cur === first || cur === v)) { ev.preventDefault(); last.focus(); }
    else if (!ev.shiftKey && cur === last) { ev.preventDefault(); first.focus(); }
  }

  function show() {
    return (banner ? Promise.resolve(banner) : load()).then(() => { return open("cy-prefs"); }, (err) => { fail(err, "l"); });
  }

  w.Consentry = {
    ready: ready,
    get: () => {
      return state && {
        consent_id: state.consent_id, revision: state.revision, granted: state.granted.slice(),
        expires_at: state.expires_at, gpc: gpc
      };
    },
    has: (cat) => { return cat === "necessary" || has(cat); },
    acceptAll: () => { return decide("accept_all", undefined, "api"); },
    rejectAll: () => { return decide("reject_all", undefined, "api"); },
    set: (cats) => { return decide("custom", cats, "api"); },
    show: show,
    on: (ev, fn) => { if (ev === "change") listeners.push(fn); }
  };

  d.addEventListener("click", (ev) => {
    var t = ev.target.closest && ev.target.closest("[data-consent-open]");
    if (t) { ev.preventDefault(); show(); }
  });

  if (!site) { resolveReady(null); return; }
  var tok = cookie(COOKIE), claims = tok && readToken(tok);
  if (claims) {
    state = toState(claims);
    signal();
    applyAll();
  }
  d.addEventListener("DOMContentLoaded", () => {
    if (state && w.fbq) signal();
    applyAll();
  });
  // A stored decision applies at once; the banner comes back only when the
  // site has published a newer revision since.
  load(claims && claims.r).then((b) => {
    var data = b && b.data;
    if (data && !claims && data.mode !== "opt-in") {
      // Opt-out and notice regions: the defaults apply before any click,
      // and a Global Privacy Control signal records its opt-out by itself.
      state = {
        consent_id: null, revision: data.revision, consent_mode: data.cm, expires_at: null, granted: data.d.slice()
      };
      signal();
      applyAll();
      if (gpc && data.mode == "opt-out") return decide("accept_all", undefined, "gpc");
    }
    if (data && claims && gpc && data.mode == "opt-out") {
      // GPC turned on after a decision: opt out of what it covers, unasked.
      var cats = {}, covered = false;
      Object.keys(data.n).forEach((c) => { var g = data.g.indexOf(c) >= 0; cats[c] = !g && has(c); covered = covered || g && has(c); });
      if (covered) return decide("custom", cats, "gpc");
      if (!data.ch) return fab(true);
    }
    if (b) open("cy-banner");
    else if (claims) fab(true);
  }).then(() => { resolveReady(Consentry.get()); }, (e) => { resolveReady(Consentry.get()); throw e; });

  // The floating "Cookie settings" button: shown once the visitor has
  // decided, without fetching the banner until it is used.
  var fabHost = null, fabBtn = null, said;
  function fab(on) {
    if (!on) { if (fabHost) fabHost.remove(); fabHost = fabBtn = null; return; }
    if (fabHost) return;
    fabHost = d.createElement("div");
    var root = fabHost.attachShadow({ mode: "open" });
    var label = ui && ui.o || "Cookie settings";
    fabHost.style.cssText = "position:fixed;z-index:2147483646;bottom:16px;inset-inline-start:16px";
    var b = fabBtn = d.createElement("button");
    b.type = "button";
    // CSSOM writes, not a style attribute: a strict CSP allows them. In the
    // site's button colours (ui.v), as the banner's buttons.
    b.style.cssText = (ui && ui.v || "") + ";all:initial;cursor:pointer;background:var(--cy-accent,#1d4ed8);color:var(--cy-accent-fg,#fff);border-radius:50%;width:44px;height:44px;display:grid;place-items:center;box-shadow:0 2px 8px #0004;outline-offset:3px";
    b.innerHTML = '<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path fill="currentColor" d="M12 2a10 10 0 1 0 10 10 4 4 0 0 1-5-5 4 4 0 0 1-5-5zm-4 9a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm3 5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm5-1a1 1 0 1 1 0 2 1 1 0 0 1 0-2z"/></svg>';
    root.appendChild(b);
    b.setAttribute("aria-label", label);
    b.setAttribute("data-testid", "reopen");
    b.addEventListener("click", () => { show(); });
    var host = fabHost, add = () => { d.body.appendChild(host); };
    if (d.body) add(); else d.addEventListener("DOMContentLoaded", add);
  }
})();
