// The Aqueduct player page: plays /<app>/<stream>/ll.m3u8 (or index.m3u8 with ll=0) with hls.js and shows the
// latency. Contract for tests and operators (keep it stable):
//   query:    stream=<app>/<stream> (each part [A-Za-z0-9._~-]+, not "." or ".."), ll=0 for classic HLS
//   elements: #stream #status (loading|playing|stalled|ended|error) #latency (seconds, "–" until known)
//             #error (text of the last fatal hls.js error) #errors (every hls.js error) #resolution #hls-version
//   window.aqueduct = { hls, video, latency(), errors }
//     latency(): seconds from the server receiving the frame on screen to now, or null until known
//     errors:    { at, type, details, fatal, text } per hls.js error event; fatal is hls.js's own flag, except
//                that "stream not live yet" (the playlist answers 404) is a wait, not an error: fatal false
(function () {
  'use strict';

  const NAME = /^[A-Za-z0-9._~-]+$/;
  const RETRY_MS = 2000;
  const MAX_RECOVERIES = 3;

  const $ = (id) => document.getElementById(id);
  const video = $('video');
  const state = { hls: null, video: video, latency: latency, errors: [] };
  window.aqueduct = state;

  const params = new URLSearchParams(location.search);
  const stream = parseStream(params.get('stream'));
  const lowLatency = params.get('ll') !== '0';

  // textContent everywhere: the stream name comes from the URL and must never become markup
  $('hls-version').textContent = typeof Hls === 'undefined' ? 'not loaded' : Hls.version;
  if (stream === null) {
    setStatus('error');
    $('message').textContent = 'Give the stream as ?stream=<app>/<stream>, each part made of letters, digits and'
        + ' . _ ~ - (for example ?stream=live/camera1); got ' + JSON.stringify(params.get('stream') || '') + '.';
    return;
  }
  const url = stream + '/' + (lowLatency ? 'll.m3u8' : 'index.m3u8');
  $('stream').textContent = stream;
  document.title = stream + ' – Aqueduct player';
  $('playlist').textContent = '/' + url + (lowLatency ? ' (LL-HLS)' : ' (HLS)');
  // built by hand: URLSearchParams would write the slash as %2F; the validated name needs no escaping
  $('switch').href = '?stream=' + stream + (lowLatency ? '&ll=0' : '');
  $('switch').textContent = lowLatency ? 'switch to classic HLS' : 'switch to LL-HLS';
  $('switch').hidden = false;

  video.muted = true; // the attribute alone is not enough for every browser's autoplay policy
  video.addEventListener('playing', () => setStatus('playing'));
  video.addEventListener('waiting', () => setStatus('stalled'));  // counts only once it has played
  video.addEventListener('ended', () => setStatus('ended'));
  video.addEventListener('error', () => {
    // a media element error ends playback whatever hls.js makes of it
    const e = video.error;
    if (e) {
      setStatus('error');
      $('error').textContent = 'video element error ' + e.code + (e.message ? ': ' + e.message : '');
    }
  });
  video.addEventListener('resize', showResolution);
  video.addEventListener('loadedmetadata', showResolution);

  if (typeof Hls !== 'undefined' && Hls.isSupported()) {
    startHls();
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    // Safari and iOS play HLS themselves (Media Source Extensions may be missing there)
    video.src = url;
    play();
  } else {
    setStatus('error');
    $('error').textContent = 'This browser can play HLS neither natively nor with hls.js (no Media Source Extensions).';
  }
  setInterval(showLatency, 250);

  function parseStream(value) {
    if (!value) {
      return null;
    }
    const parts = value.split('/');
    const ok = parts.length === 2 && parts.every((p) => NAME.test(p) && p !== '.' && p !== '..');
    return ok ? parts.join('/') : null;
  }

  // A fresh hls.js for every (re)start: after a fatal manifest error the old one is spent.
  function startHls() {
    let recoveries = 0;
    // hls.js starts further back than PART-HOLD-BACK and, at normal speed, never catches up: let it play up to
    // 1.5x until it sits at the live edge it aims for (measured: 1.9 s -> 1.3 s behind capture, bench/RESULTS.md)
    const hls = new Hls({ lowLatencyMode: lowLatency, backBufferLength: 30, maxLiveSyncPlaybackRate: 1.5 });
    state.hls = hls;
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      $('message').textContent = '';
      play();
    });
    hls.on(Hls.Events.FRAG_BUFFERED, () => {
      recoveries = 0; // media flows again: a later failure gets its own recovery attempts
    });
    hls.on(Hls.Events.ERROR, (event, data) => {
      const status = data.response && data.response.code;
      const manifestFailed = data.details === Hls.ErrorDetails.MANIFEST_LOAD_ERROR
          || data.details === Hls.ErrorDetails.MANIFEST_LOAD_TIMEOUT;
      if (data.fatal && manifestFailed) {
        // 404: the publisher has not started yet (or has left): keep asking, it is not an error
        const notLive = status === 404;
        record(data, !notLive, notLive ? 'stream not live yet (404), retrying' : undefined);
        $('message').textContent = notLive ? 'stream not live yet' : 'cannot load the playlist ('
            + (status || data.details) + '), retrying';
        setStatus('loading');
        hls.destroy();
        setTimeout(startHls, RETRY_MS);
        return;
      }
      record(data, data.fatal);
      if (!data.fatal) {
        // hls.js retries these itself; a stall is worth showing
        if (data.details === Hls.ErrorDetails.BUFFER_STALLED_ERROR) {
          setStatus('stalled');
        }
        return;
      }
      $('error').textContent = describe(data);
      if (recoveries < MAX_RECOVERIES && data.type === Hls.ErrorTypes.NETWORK_ERROR) {
        recoveries++;
        hls.startLoad(); // the usual hls.js recovery: reload from where loading stopped
      } else if (recoveries < MAX_RECOVERIES && data.type === Hls.ErrorTypes.MEDIA_ERROR) {
        recoveries++;
        hls.recoverMediaError(); // detaches and reattaches the MediaSource
      } else {
        setStatus('error');
        hls.destroy();
        state.hls = null;
      }
    });
    hls.loadSource(url);
    hls.attachMedia(video);
  }

  function play() {
    const p = video.play();
    if (p && p.catch) {
      p.catch((e) => {
        // autoplay refused (e.g. a browser that blocks even muted autoplay): the controls still work
        $('message').textContent = 'press play to start (' + e.name + ')';
      });
    }
  }

  function record(data, fatal, text) {
    const entry = {
      at: new Date().toISOString(),
      type: data.type,
      details: data.details,
      fatal: fatal,
      text: text || describe(data),
    };
    state.errors.push(entry);
    const li = document.createElement('li');
    li.textContent = entry.at + ' ' + (fatal ? 'FATAL ' : '') + entry.text;
    if (fatal) {
      li.className = 'fatal';
    }
    $('errors').appendChild(li);
    $('error-count').textContent = String(state.errors.length);
  }

  function describe(data) {
    let text = data.type + ': ' + data.details;
    if (data.response && data.response.code) {
      text += ' (HTTP ' + data.response.code + ')';
    }
    if (data.url || (data.frag && data.frag.url)) {
      text += ' ' + (data.url || data.frag.url);
    }
    if (data.reason) {
      text += ' – ' + data.reason;
    } else if (data.error && data.error.message) {
      text += ' – ' + data.error.message;
    }
    return text;
  }

  function setStatus(s) {
    const current = $('status').textContent;
    // waiting for the first frames is loading, not a stall
    if (s === 'stalled' && current !== 'playing') {
      return;
    }
    // once playback has ended or failed, late events (a last 'waiting') do not change the verdict
    if ((current === 'ended' || current === 'error') && s !== 'playing' && s !== 'loading') {
      return;
    }
    $('status').textContent = s;
    $('status').className = s;
  }

  // Seconds from the server's arrival time of the frame on screen (the playlist's EXT-X-PROGRAM-DATE-TIME,
  // carried to the current position by hls.js) to now.
  function latency() {
    let playing = null;
    if (state.hls) {
      playing = state.hls.playingDate; // a Date, null until the first fragment with a date plays
    } else if (video.getStartDate && !isNaN(video.getStartDate().getTime())) {
      playing = new Date(video.getStartDate().getTime() + video.currentTime * 1000); // native HLS (Safari)
    }
    return playing ? (Date.now() - playing.getTime()) / 1000 : null;
  }

  function showLatency() {
    const l = latency();
    $('latency').textContent = l === null ? '–' : l.toFixed(2);
    const estimate = state.hls ? state.hls.latency : null;
    $('hls-latency').textContent = estimate ? estimate.toFixed(2) : '–';
  }

  function showResolution() {
    $('resolution').textContent = video.videoWidth ? video.videoWidth + '×' + video.videoHeight : '–';
  }
})();
