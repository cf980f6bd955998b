// mirrorgate UI: live refresh of the page's <main> (server-sent events, else polling) and
// approve/reject through the JSON API. The pages work without it: every action is a form.
'use strict';
(function () {
  const token = () => {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : '';
  };
  const status = (text) => {
    const region = document.getElementById('live-status');
    if (region) region.textContent = text;
  };
  const stamp = () => {
    const updated = document.getElementById('updated');
    if (updated) updated.textContent = 'Updated at ' + new Date().toLocaleTimeString();
  };

  let refreshing = false;
  let again = false;
  async function refresh() {
    if (refreshing) { again = true; return; }
    const main = document.getElementById('main');
    const active = document.activeElement;
    // Never swap the page under someone typing in one of its fields.
    if (main && active && main.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) return;
    refreshing = true;
    try {
      const response = await fetch(location.href, {
        credentials: 'same-origin', headers: { 'X-Mirrorgate-UI': '1' }, cache: 'no-store' });
      if (response.redirected && new URL(response.url).pathname === '/login') {
        location.assign(response.url);
        return;
      }
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      const fresh = page.getElementById('main');
      if (!main || !fresh) return;
      const wasInMain = active && main.contains(active);
      const focusedId = wasInMain ? active.id : null;
      main.replaceChildren(...Array.from(fresh.childNodes, (n) => document.importNode(n, true)));
      const banner = page.getElementById('api-problem');
      const ours = document.getElementById('api-problem');
      if (banner && ours) ours.replaceChildren(...Array.from(banner.childNodes, (n) => document.importNode(n, true)));
      bindVotes(main);
      if (focusedId && document.getElementById(focusedId)) {
        document.getElementById(focusedId).focus();
      } else if (wasInMain && active !== main) {
        main.focus(); // what had the focus was replaced: keep it in the content, not on <body>
      }
      stamp();
    } catch (e) {
      // the controller is away: the next event or poll tries again
    } finally {
      refreshing = false;
      if (again) { again = false; refresh(); }
    }
  }

  async function vote(form, event) {
    event.preventDefault();
    const action = form.dataset.vote;
    const update = form.dataset.update;
    const buttons = form.parentElement.querySelectorAll('button');
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const response = await fetch('/api/v1/updates/' + update.split('/').map(encodeURIComponent).join('/') + '/' + action, {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token(), 'X-Mirrorgate-UI': '1' },
        body: '{}' });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        status(answer.message || (action + 'd ' + update));
      } else if (response.status === 401) {
        location.assign('/login?next=' + encodeURIComponent(location.pathname));
        return;
      } else {
        status('Could not ' + action + ' ' + update + ': ' + (answer.error || response.statusText));
      }
    } catch (e) {
      status('Could not ' + action + ' ' + update + ': the controller did not answer');
    }
    await refresh();
    // The buttons voted with are gone: the focus goes to the message saying what happened.
    const live = document.getElementById('live-status');
    if (live && (!document.activeElement || document.activeElement === document.body
        || document.activeElement.id === 'main')) {
      live.tabIndex = -1;
      live.focus();
    }
  }

  function bindVotes(root) {
    root.querySelectorAll('form[data-vote]').forEach((form) => {
      form.addEventListener('submit', (event) => vote(form, event));
    });
  }

  function live() {
    if (document.body.dataset.live !== 'true') return;
    let polling = null;
    const poll = () => { if (!polling) polling = setInterval(refresh, 10000); };
    if (!('EventSource' in window)) { poll(); return; }
    const events = new EventSource('/events');
    events.addEventListener('changed', () => refresh());
    events.addEventListener('open', () => { if (polling) { clearInterval(polling); polling = null; } });
    events.addEventListener('error', () => { poll(); });
  }

  document.addEventListener('DOMContentLoaded', () => {
    bindVotes(document);
    live();
  });
})();
