// The cluster monitor: /cluster.html and the Web Console's Cluster tab both run this script. It reads
// /rest/v2/cluster/nodes and /streams every 2 s and draws them. Data only ever reaches the page as textContent
// (never as HTML), so a node id or stream key cannot inject markup. When a read fails, the last data stays on the
// page, marked stale (data-stale="true" on #aq-cluster), under the error text.
(() => {
  'use strict';

  // absolute, on this page's origin: the console shows this page under /system/console, and a page opened
  // with user:password@ in its address could not fetch a URL relative to it (fetch refuses URLs with credentials)
  const API = location.origin + '/rest/v2/cluster';
  const REFRESH_MS = 2000;
  const TIMEOUT_MS = 5000;
  const ACTION_SHOWN_MS = 15000; // how long the outcome of a Delete stays on the page

  const root = document.getElementById('aq-cluster');
  if (!root) {
    return;
  }
  const byId = (id) => document.getElementById(id);

  let lastGood = null; // when the last complete answer arrived
  let timer = null;
  let started = 0; // refreshes started
  let drawn = 0; // the newest refresh drawn
  let actionsShown = 0; // Delete outcomes shown, so only the newest one's timer hides it

  /** fetch with a deadline; resolves to {status, body} where body is the parsed JSON or null. */
  async function getJson(url, options) {
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const response = await fetch(url, Object.assign({
        cache: 'no-store',
        headers: {'Accept': 'application/json'},
        signal: controller.signal,
      }, options || {}));
      let body = null;
      try {
        body = await response.json();
      } catch (e) {
        body = null;
      }
      return {status: response.status, body};
    } finally {
      clearTimeout(deadline);
    }
  }

  /** The error text of a failed answer, or null when it is a good one. */
  function problemOf(answer, url) {
    if (answer.status === 200 && answer.body) {
      return null;
    }
    if (answer.body && typeof answer.body.error === 'string') {
      return answer.body.error;
    }
    return 'HTTP ' + answer.status + ' from ' + url;
  }

  function describe(e) {
    if (e && e.name === 'AbortError') {
      return 'this node did not answer within ' + TIMEOUT_MS / 1000 + ' s';
    }
    return 'cannot reach this node: ' + (e && e.message ? e.message : String(e));
  }

  async function refresh() {
    clearTimeout(timer);
    const seq = ++started;
    let problem = null;
    let nodes = null;
    let streams = null;
    try {
      [nodes, streams] = await Promise.all([getJson(API + '/nodes'), getJson(API + '/streams')]);
      problem = problemOf(nodes, API + '/nodes') || problemOf(streams, API + '/streams');
    } catch (e) {
      problem = describe(e);
    }
    // a refresh after a Delete may overlap the periodic one: only the newest answer is drawn
    if (seq > drawn) {
      drawn = seq;
      try {
        if (problem) {
          showProblem(problem);
        } else {
          render(nodes.body, streams.body);
        }
      } catch (e) {
        showProblem('cannot show the answer: ' + e);
      }
    }
    clearTimeout(timer); // one timer, whichever refresh ends last
    timer = setTimeout(refresh, REFRESH_MS);
  }

  function showProblem(message) {
    setText('cluster-error', message);
    byId('cluster-error').hidden = false;
    root.dataset.stale = lastGood ? 'true' : 'false';
    root.classList.toggle('aq-stale', !!lastGood);
    if (!lastGood) {
      setText('cluster-mode', 'unknown');
    }
    setText('cluster-updated', lastGood
      ? clock(lastGood) + ' (stale: showing the last data read)'
      : 'never');
  }

  function render(n, s) {
    lastGood = new Date();
    root.dataset.stale = 'false';
    root.classList.remove('aq-stale');
    root.dataset.mode = n.mode || '';
    byId('cluster-error').hidden = true;

    const notice = byId('cluster-notice');
    notice.hidden = !n.message;
    notice.textContent = n.message || '';

    setText('cluster-mode', n.mode || '–');
    setText('cluster-registry', n.registry || '–');
    setText('cluster-self', n.nodeId || '–');
    setText('cluster-heartbeat', n.heartbeatPeriodMs == null ? '–'
      : 'every ' + duration(n.heartbeatPeriodMs) + ', dead after ' + duration(n.deadAfterMs));
    setText('cluster-updated', clock(lastGood));

    const nodes = Array.isArray(n.nodes) ? n.nodes : [];
    byId('nodes').replaceChildren(...nodes.map(nodeRow));
    byId('cluster-nodes-empty').hidden = nodes.length > 0;
    const alive = nodes.filter((node) => node.alive).length;
    setText('cluster-nodes-count', nodes.length ? '(' + alive + ' alive, ' + (nodes.length - alive) + ' dead)' : '');

    const streams = Array.isArray(s.streams) ? s.streams : [];
    byId('streams').replaceChildren(...streams.map(streamRow));
    byId('cluster-streams-empty').hidden = streams.length > 0;
    setText('cluster-streams-count', streams.length ? '(' + streams.length + ')' : '');
  }

  function nodeRow(n) {
    const state = n.alive ? 'alive' : 'dead';
    const tr = document.createElement('tr');
    tr.dataset.nodeId = n.id;
    tr.dataset.state = state;
    tr.className = 'aq-' + state + (n.self ? ' aq-self' : '');
    const id = cell(tr, n.id, 'aq-id');
    if (n.self) {
      const mark = document.createElement('span');
      mark.className = 'aq-self-mark';
      mark.textContent = 'this node';
      id.append(' ', mark);
    }
    cell(tr, state, 'aq-state');
    cell(tr, n.role);
    cell(tr, n.group);
    cell(tr, n.address);
    cell(tr, ports(n.ports));
    cell(tr, n.version);
    cell(tr, n.heartbeatAgeMs == null ? '–' : duration(n.heartbeatAgeMs), 'aq-num').title =
      n.lastHeartbeat ? 'last heartbeat ' + n.lastHeartbeat : '';
    cell(tr, n.cpu == null ? '–' : Math.round(n.cpu * 100) + ' %', 'aq-num');
    cell(tr, memory(n.memoryUsed, n.memoryMax), 'aq-num');
    cell(tr, n.streams, 'aq-num');
    cell(tr, n.viewers, 'aq-num');
    cell(tr, time(n.started)).title = n.started || '';
    const action = document.createElement('td');
    if (!n.alive) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'aq-delete';
      button.dataset.action = 'delete';
      button.textContent = 'Delete';
      button.title = 'Remove the dead node ' + n.id + ' from the registry';
      button.addEventListener('click', () => deleteNode(n.id, button));
      action.append(button);
    }
    tr.append(action);
    return tr;
  }

  function streamRow(s) {
    const tr = document.createElement('tr');
    tr.dataset.streamKey = s.key;
    tr.dataset.originAlive = String(!!s.originAlive);
    tr.className = s.originAlive ? 'aq-alive' : 'aq-dead';
    cell(tr, s.key, 'aq-id');
    cell(tr, s.originNode);
    cell(tr, s.originAddress);
    cell(tr, time(s.claimed)).title = s.claimed || '';
    cell(tr, s.originAlive ? 'alive' : 'dead', 'aq-state');
    return tr;
  }

  async function deleteNode(id, button) {
    button.disabled = true;
    const action = byId('cluster-action');
    try {
      const answer = await getJson(API + '/nodes/' + encodeURIComponent(id), {method: 'DELETE'});
      const problem = problemOf(answer, API + '/nodes/' + id);
      action.textContent = problem ? 'Node ' + id + ' was not deleted: ' + problem : 'Node ' + id + ' deleted.';
      action.classList.toggle('aq-failed', !!problem);
    } catch (e) {
      action.textContent = 'Node ' + id + ' was not deleted: ' + describe(e);
      action.classList.add('aq-failed');
    }
    action.hidden = false;
    const shown = ++actionsShown;
    setTimeout(() => {
      if (shown === actionsShown) {
        action.hidden = true;
      }
    }, ACTION_SHOWN_MS);
    await refresh();
  }

  function cell(tr, value, className) {
    const td = document.createElement('td');
    td.textContent = value == null || value === '' ? '–' : String(value);
    if (className) {
      td.className = className;
    }
    tr.append(td);
    return td;
  }

  function setText(id, text) {
    byId(id).textContent = text;
  }

  function ports(map) {
    if (!map || typeof map !== 'object') {
      return '';
    }
    return Object.keys(map).sort().map((name) => name + ' ' + map[name]).join(', ');
  }

  function duration(ms) {
    if (ms == null) {
      return '–';
    }
    if (ms < 10000 && ms % 1000 !== 0) {
      return (ms / 1000).toFixed(1) + ' s';
    }
    if (ms < 120000) {
      return Math.round(ms / 1000) + ' s';
    }
    if (ms < 7200000) {
      return Math.round(ms / 60000) + ' min';
    }
    if (ms < 172800000) {
      return Math.round(ms / 3600000) + ' h';
    }
    return Math.round(ms / 86400000) + ' d';
  }

  function bytes(b) {
    if (b == null || b < 0) {
      return '–';
    }
    if (b >= 1073741824) {
      return (b / 1073741824).toFixed(1) + ' GiB';
    }
    return Math.round(b / 1048576) + ' MiB';
  }

  function memory(used, max) {
    if (!(max > 0)) {
      return bytes(used);
    }
    return bytes(used) + ' / ' + bytes(max) + ' (' + Math.round(used * 100 / max) + ' %)';
  }

  function time(iso) {
    if (!iso) {
      return '–';
    }
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString();
  }

  function clock(d) {
    return d.toLocaleTimeString();
  }

  refresh();
})();
