// Progressive enhancement of the basket forms; every form works without it.
//
// - product page (#configure): the number search answers as you type
//   (GET /api/v1/numbers), and the add-to-basket button goes through the JSON API
//   (POST /api/v1/basket/lines), with its errors shown on the page;
// - basket page: its forms (accept the binding, change the number, remove
//   a line, keep the numbers) go through the JSON API (PATCH, DELETE and
//   POST /api/v1/basket/keep, naming the page's basket version), and
//   .lock[data-expires] counts down how long each number stays reserved,
//   by the server's clock (the page's data-now), not the browser's.
//
// Plain script under a CSP of script-src 'self': no inline code, no eval,
// no innerHTML; a page without the hooks is left alone.
(() => {
  'use strict';

  // The shopper's words, in the shop's language, from the page's
  // <script type="application/json" id="messages"> (the layout writes the
  // js.*, form_error.* and field_error.* messages of the tenant's catalog
  // there; see docs/messages.md). A missing message shows its id, as the
  // server's templates do.
  const MESSAGES = (() => {
    const block = document.getElementById('messages');
    try {
      const m = block ? JSON.parse(block.textContent) : null;
      return m && typeof m === 'object' ? m : {};
    } catch {
      return {};
    }
  })();

  // The message id with {{name}} tags filled from values.
  function msg(id, values) {
    const text = typeof MESSAGES[id] === 'string' ? MESSAGES[id] : id;
    return text.replace(/\{\{\s*([a-z_]+)\s*\}\}/g,
      (all, name) => (values && name in values ? String(values[name]) : ''));
  }

  // The message with a node where its {{name}} tag stands: [text, node,
  // text], for Element.append().
  function msgWithNode(id, name, node) {
    const text = typeof MESSAGES[id] === 'string' ? MESSAGES[id] : id;
    const parts = text.split(new RegExp(`\\{\\{\\s*${name}\\s*\\}\\}`));
    return parts.length === 2 ? [parts[0], node, parts[1]] : [msg(id)];
  }

  // An API error in the shopper's words: the message of its field and code
  // (field_error.<field>.<code>), else of its code (form_error.<code>),
  // else form_error.other; the same rule as shopper_message() in
  // src/handlers/basket_pages.c, so both paths say the same.
  function shopperText(error) {
    const code = error && error.code;
    const field = error && error.field;
    if (code && field && typeof MESSAGES[`field_error.${field}.${code}`] === 'string')
      return msg(`field_error.${field}.${code}`);
    if (code && typeof MESSAGES[`form_error.${code}`] === 'string')
      return msg(`form_error.${code}`);
    return msg('form_error.other');
  }

  const SEARCH_DELAY_MS = 250;
  const NUMBER_COUNT = 6;

  // The query of a form's action (the request's channel, on a web subpage
  // such as /tilbud) carried over to an API address without one, so the
  // API sees the page's channel.
  function withActionQuery(apiPath, form) {
    const url = new URL(apiPath, location.href);
    const action = new URL(form.getAttribute('action') || '', location.href);
    if (!url.search && action.search) url.search = action.search;
    return url.pathname + url.search;
  }

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  async function readJson(res) {
    try {
      return await res.json();
    } catch {
      return null;
    }
  }

  // ---- the number search on the product page ----

  function enhanceNumberSearch() {
    const input = document.getElementById('contains');
    const numbers = document.getElementById('numbers');
    const searchForm = document.getElementById('number-search');
    if (!input || !numbers || !searchForm) return null;
    const picker = numbers.closest('fieldset') || numbers.parentElement;
    const box = input.closest('.number-search') || input.parentElement;
    const api = numbers.getAttribute('data-api') || '/api/v1/numbers';
    let timer = 0;
    let seq = 0;
    let inflight = null;
    let last = null;           // the last contains searched ('' = any)
    const describedBy = (input.getAttribute('aria-describedby') || '')
      .split(/\s+/).filter((id) => id && id !== 'contains-error').join(' ');

    function fieldError(message) {
      let p = box.querySelector('.field-error');
      if (!message) {
        if (p) p.remove();
        input.removeAttribute('aria-invalid');
        if (describedBy) input.setAttribute('aria-describedby', describedBy);
        else input.removeAttribute('aria-describedby');
        return;
      }
      if (!p) {
        p = el('p', { class: 'field-error' });
        box.appendChild(p);
      }
      if (!p.id) p.id = 'contains-error';
      p.textContent = message;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', `${describedBy} ${p.id}`.trim());
    }

    // Notices the page came with (no numbers, numbers unavailable) are
    // about the search the page was drawn for, not this one.
    function clearPageNotices() {
      for (const n of picker.querySelectorAll('.notice'))
        if (!numbers.contains(n)) n.remove();
    }

    function show(list) {
      const nodes = [];
      for (const n of list) {
        if (!n || typeof n.msisdn !== 'string') continue;
        const label = el('label', { class: 'choice number' });
        const radio = el('input', { type: 'radio', name: 'number', value: n.msisdn });
        label.append(radio, ` ${n.national || n.msisdn}`);
        nodes.push(label);
      }
      if (nodes.length === 0) {
        nodes.push(el('p', { class: 'notice' }, msg('js.no_numbers')));
        const port = document.getElementById('number-port');
        if (port) port.checked = true;
      }
      numbers.replaceChildren(...nodes);
      const first = numbers.querySelector('input[name="number"]');
      if (first) first.checked = true;
    }

    function unavailable() {
      // keep the numbers shown: they may still be free; say why nothing
      // changed
      for (const p of numbers.querySelectorAll('.notice')) p.remove();
      numbers.appendChild(el('p', { class: 'notice' }, msg('js.numbers_unavailable')));
    }

    async function search(contains) {
      const mine = ++seq;
      if (inflight) inflight.abort();
      inflight = new AbortController();
      const url = new URL(api, location.href);
      url.searchParams.set('count', String(NUMBER_COUNT));
      if (contains) url.searchParams.set('contains', contains);
      let res, body;
      try {
        res = await fetch(url.pathname + url.search, {
          headers: { Accept: 'application/json' },
          credentials: 'same-origin',
          signal: inflight.signal,
        });
        body = await readJson(res);
      } catch (e) {
        if (e && e.name === 'AbortError') return;
        if (mine === seq) unavailable();
        return;
      }
      if (mine !== seq) return;           // a newer search is under way
      inflight = null;
      if (res.ok && body && Array.isArray(body.numbers)) {
        last = contains;
        fieldError(null);
        clearPageNotices();
        show(body.numbers);
      } else if (res.status === 422) {
        fieldError(msg('field_error.contains.invalid_field'));
      } else {
        unavailable();
      }
    }

    // What to search for now: the digits, '' for any, or null when the
    // field holds something that is not 1 to 8 digits.
    function wanted() {
      const v = input.value.trim();
      if (v === '') return '';
      return /^[0-9]{1,8}$/.test(v) ? v : null;
    }

    function schedule(delay) {
      clearTimeout(timer);
      const contains = wanted();
      if (contains === null) {
        seq++;                            // drop answers still on their way
        fieldError(msg('field_error.contains.invalid_field'));
        return;
      }
      fieldError(null);
      if (contains === last && delay > 0) {
        // back to what is shown: drop a search still on its way
        if (inflight) inflight.abort();
        seq++;
        return;
      }
      timer = setTimeout(() => search(contains), delay);
    }

    last = wanted();                      // what the page was drawn for
    input.addEventListener('input', () => schedule(SEARCH_DELAY_MS));
    searchForm.addEventListener('submit', (e) => {
      e.preventDefault();
      schedule(0);
    });
    return { refresh: () => search(wanted() || '') };
  }

  // ---- adding to the basket through the JSON API ----

  // The line the form describes, as POST /api/v1/basket/lines takes it.
  function lineFromForm(form) {
    const fd = new FormData(form);
    const line = {};
    const text = (name) => {
      const v = fd.get(name);
      return typeof v === 'string' ? v : null;
    };
    if (text('sku') !== null) line.sku = text('sku');
    const months = text('binding_months');
    if (months !== null && months !== '')
      line.binding_months = /^[0-9]+$/.test(months) ? Number(months) : months;
    line.binding_accepted = fd.has('binding_accepted');
    if (text('sim_type') !== null) line.sim_type = text('sim_type');
    line.addons = fd.getAll('addons').filter((a) => typeof a === 'string');
    const number = text('number');
    if (number === 'port')
      line.porting = { msisdn: text('porting_msisdn') || '' };
    else if (number)
      line.msisdn = number;
    return line;
  }

  function showFormError(form, message) {
    let box = document.getElementById('form-error');
    if (box && box.nextElementSibling !== form) {
      // one error at a time, next to the form it is about
      box.remove();
      box = null;
    }
    if (!box) {
      box = el('div', { class: 'form-error', role: 'alert', id: 'form-error' });
      form.before(box);
    }
    box.setAttribute('tabindex', '-1');
    box.replaceChildren(el('p', {}, message));
    box.focus();
  }

  // The session's CSRF token, which every change sends in X-CSRF-Token:
  // the one the server put into the form for its plain post.
  function csrfToken(form) {
    const input = form.querySelector('input[name="csrf"]');
    return input ? input.value : '';
  }

  function enhanceConfigure(numberSearch) {
    const form = document.getElementById('configure');
    if (!form || !form.dataset.api || !window.fetch) return;
    const api = withActionQuery(form.dataset.api, form);
    const submit = form.querySelector('button[type="submit"], button:not([type])');
    const status = el('p', { class: 'visually-hidden', role: 'status' });
    form.appendChild(status);
    let busy = false;

    // Typing one's own number means porting it.
    const porting = document.getElementById('porting_msisdn');
    const port = document.getElementById('number-port');
    if (porting && port)
      porting.addEventListener('input', () => {
        if (porting.value.trim() !== '') port.checked = true;
      });

    function ready() {
      busy = false;
      status.textContent = '';
      if (submit) submit.removeAttribute('aria-disabled');
    }
    // back from the basket page to a page kept in the browser's cache
    window.addEventListener('pageshow', (e) => { if (e.persisted) ready(); });

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (busy) return;
      busy = true;
      if (submit) submit.setAttribute('aria-disabled', 'true');
      status.textContent = msg('js.adding');
      let res, body;
      try {
        res = await fetch(api, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json',
                     'X-CSRF-Token': csrfToken(form) },
          credentials: 'same-origin',
          body: JSON.stringify(lineFromForm(form)),
        });
        body = await readJson(res);
      } catch {
        // no answer at all: let the browser post the form instead
        busy = false;
        form.submit();
        return;
      }
      if (res.status === 201) {
        // busy stays set: the form is done, the basket page comes next
        location.assign('/basket');
        return;
      }
      ready();
      showFormError(form, shopperText(body && body.error));
      if (body && body.error && body.error.code === 'number_taken' && numberSearch)
        numberSearch.refresh();
    });
  }

  // ---- the basket page's forms through the JSON API ----

  // The API call a basket-page form stands for: {method, url, body,
  // headers}, or null for a form this script does not know.
  function basketCall(form) {
    const action = new URL(form.getAttribute('action') || '', location.href).pathname;
    const fd = new FormData(form);
    const version = fd.get('version');
    const ifMatch = typeof version === 'string' && /^[0-9]+$/.test(version)
      ? { 'If-Match': `"${version}"` } : {};
    let m;
    if (action === '/basket/keep')
      return { method: 'POST', url: '/api/v1/basket/keep', headers: ifMatch, body: {} };
    if ((m = /^\/basket\/lines\/([0-9a-f]+)\/remove$/.exec(action)))
      return { method: 'DELETE', url: `/api/v1/basket/lines/${m[1]}`, headers: ifMatch };
    if ((m = /^\/basket\/lines\/([0-9a-f]+)$/.exec(action))) {
      const change = {};
      if (fd.get('binding_accepted') === 'true') change.binding_accepted = true;
      const number = fd.get('number');
      if (typeof number === 'string' && number) change.msisdn = number;
      return { method: 'PATCH', url: `/api/v1/basket/lines/${m[1]}`, headers: ifMatch, body: change };
    }
    return null;
  }

  function enhanceBasketForms() {
    const basket = document.querySelector('section.basket');
    if (!basket || !window.fetch) return;
    for (const form of basket.querySelectorAll('form[method="post"]')) {
      if (!basketCall(form)) continue;
      let busy = false;
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (busy) return;
        busy = true;
        const call = basketCall(form);
        const headers = { Accept: 'application/json', 'X-CSRF-Token': csrfToken(form),
                          ...call.headers };
        if (call.body) headers['Content-Type'] = 'application/json';
        let res, body;
        try {
          res = await fetch(call.url, {
            method: call.method, headers, credentials: 'same-origin',
            body: call.body ? JSON.stringify(call.body) : undefined,
          });
          body = await readJson(res);
        } catch {
          busy = false;
          form.submit();
          return;
        }
        if (res.ok) {
          // the page is drawn by the server: show the basket as it is now
          location.replace('/basket');
          return;
        }
        busy = false;
        showFormError(form, shopperText(body && body.error));
      });
    }
  }

  // ---- the reservation countdown on the basket page ----

  function mmss(ms) {
    const s = Math.ceil(ms / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }

  function enhanceLocks() {
    const locks = [...document.querySelectorAll('.lock[data-expires]')]
      .map((p) => ({ p, expires: Number(p.dataset.expires) }))
      .filter((l) => Number.isFinite(l.expires) && l.expires > 0);
    if (locks.length === 0) return;
    // The locks expire by the server's clock: count from the server's
    // now (data-now, when the page was made) plus the time since, so a
    // browser whose clock is off still shows the right time left.
    const served = Number(document.querySelector('.basket[data-now]')?.dataset.now);
    const skew = Number.isFinite(served) && served > 0 ? served - Date.now() : 0;
    const now = () => Date.now() + skew;
    const canKeep = document.querySelector('form[action="/basket/keep"]') !== null;

    // The page's sentence ("… til kl. <time>") stays as it is; after it
    // comes the time left, counted every second but not read out each
    // second (the sentence already says until when), and a status that
    // speaks up a minute before the end and at the end.
    for (const l of locks) {
      l.until = el('span', { class: 'lock-until' });
      l.until.append(...l.p.childNodes);
      l.left = el('span', { class: 'lock-left', 'aria-hidden': 'true' });
      l.status = el('span', { class: 'lock-status', role: 'status' });
      l.p.append(l.until, ' ', l.left, ' ', l.status);
      l.warned = l.expires - now() <= 60000;
    }

    function expire(l) {
      l.done = true;
      const time = l.until.querySelector('time');
      l.p.classList.add('lock-expired');
      l.p.replaceChildren(...(time ? msgWithNode('js.lock_expired_at', 'time', time)
                                   : [msg('js.lock_expired')]), ' ', l.status);
      l.status.textContent = msg(canKeep ? 'js.lock_gone_keep' : 'js.lock_gone');
    }

    let ticker = 0;
    function tick() {
      const t = now();
      let running = 0;
      for (const l of locks) {
        if (l.done) continue;
        const left = l.expires - t;
        if (left <= 0) {
          expire(l);
          continue;
        }
        running++;
        l.left.textContent = msg('js.lock_left', { left: mmss(left) });
        if (!l.warned && left <= 60000) {
          l.warned = true;
          l.status.textContent = msg(canKeep ? 'js.lock_warning_keep' : 'js.lock_warning');
        }
      }
      if (running === 0) clearInterval(ticker);
    }
    tick();
    ticker = setInterval(tick, 1000);
  }

  function start() {
    const numberSearch = enhanceNumberSearch();
    enhanceConfigure(numberSearch);
    enhanceBasketForms();
    enhanceLocks();
  }

  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', start);
  else
    start();
})();
