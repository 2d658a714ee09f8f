#!/usr/bin/env python3
"""Samples the Aqueduct player page in a running (headless) Chromium over the DevTools protocol.

usage: chromium-latency.py DEVTOOLS-PORT PAGE-URL SECONDS [HLS-CONFIG-JSON]

Chromium must be running with --remote-debugging-port and one blank page (bench/hls-latency.sh starts it).
Standard library only: a minimal WebSocket client (RFC 6455, text frames, client masking) speaks CDP.

Navigates the page to PAGE-URL (the player, play.html?stream=...). With HLS-CONFIG-JSON (an experiment, not the
shipped page), a script injected before the page's own merges that object into the config the page gives hls.js
(for example {"maxLiveSyncPlaybackRate": 1.5}). Waits (at most 30 s) until the page's status is "playing" and
window.aqueduct.latency() is a number, then once a second, for SECONDS, evaluates in the page, at one instant:
  latency   window.aqueduct.latency(): Date.now() minus the EXT-X-PROGRAM-DATE-TIME of the playing position,
            i.e. from the server receiving the frame (as the playlist dates it) to that frame being current in
            the <video> element.
  g2g       capture to display: the publisher (bench/hls-latency.sh) draws its wall clock at capture, in ms
            modulo 2^24, as a 24-bit barcode (white/black 32x32 blocks, 40 px apart, from x=16 y=16); the page
            draws the current video frame into a canvas, reads the bits back, and g2g = Date.now() - that time.
            Same machine, so one clock. A sample whose code does not decode plausibly (g2g < latency - 0.5 s or
            g2g > 60 s) counts as unreadable and is left out.
  g2g - latency  per sample: capture to the server's PDT of the frame (encode, RTMP, and any offset of the PDT
            from the true arrival time).
  hls       hls.js's own estimate (hls.latency: live edge of the playlist minus the playing position).
  also the playback position, the buffer ahead, dropped frames, stalls ("waiting" events) and hls.js errors.
Prints one SAMPLE line per second and a SUMMARY line with p50/p99/max.
"""
import base64
import json
import os
import socket
import struct
import sys
import time
import urllib.request

PROBE = r"""
(() => {
  const a = window.aqueduct;
  const v = a && a.video;
  if (!window.__bench) {
    window.__bench = { waiting: 0, listening: false };
  }
  if (v && !window.__bench.listening) {
    v.addEventListener('waiting', () => { window.__bench.waiting++; });
    window.__bench.listening = true;
  }
  const out = { now: Date.now(), status: document.getElementById('status').textContent,
                latency: a ? a.latency() : null, hls: a && a.hls ? a.hls.latency : null,
                errors: a ? a.errors.length : null, fatal: a ? a.errors.filter((e) => e.fatal).length : null,
                waiting: window.__bench.waiting, code: null };
  if (v) {
    out.t = v.currentTime;
    out.ahead = v.buffered.length ? v.buffered.end(v.buffered.length - 1) - v.currentTime : 0;
    const q = v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality() : null;
    out.dropped = q ? q.droppedVideoFrames : null;
    out.frames = q ? q.totalVideoFrames : null;
    out.rate = v.playbackRate;
    if (v.videoWidth) {
      const c = window.__bench.canvas || (window.__bench.canvas = document.createElement('canvas'));
      c.width = 1000; c.height = 64;
      const g = c.getContext('2d', { willReadFrequently: true });
      g.drawImage(v, 0, 0, 1000, 64, 0, 0, 1000, 64);   // the top strip at the video's own scale
      out.now = Date.now();                              // the frame drawn is the one current now
      const px = g.getImageData(0, 0, 1000, 64).data;
      let code = 0, margin = 255;
      for (let k = 0; k < 24; k++) {
        const i = (32 * 1000 + 32 + k * 40) * 4;
        const y = (px[i] + px[i + 1] + px[i + 2]) / 3;
        margin = Math.min(margin, Math.abs(y - 128));
        if (y > 128) { code += 2 ** k; }
      }
      out.code = code;
      out.margin = margin;
      out.latency = a.latency();                         // again, at the same instant as the frame read
    }
  }
  return JSON.stringify(out);
})()
"""


class WebSocket:
    def __init__(self, url):
        assert url.startswith("ws://")
        hostport, path = url[5:].split("/", 1)
        host, port = hostport.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                          .encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise IOError("DevTools closed the connection during the handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise IOError("DevTools refused the WebSocket: " + head.decode(errors="replace"))
        self.buf = head.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0

    def _recv(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise IOError("DevTools closed the connection")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send_text(self, text):
        payload = text.encode()
        head = bytes([0x81])
        n = len(payload)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def recv_message(self):
        data = b""
        while True:
            b0, b1 = self._recv(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._recv(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._recv(8))[0]
            if b1 & 0x80:
                mask = self._recv(4)
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self._recv(n)))
            else:
                payload = self._recv(n)
            op = b0 & 0x0F
            if op == 0x9:  # ping
                continue
            if op == 0x8:
                raise IOError("DevTools closed the WebSocket")
            data += payload
            if b0 & 0x80:
                return data.decode()

    def call(self, method, params):
        self.next_id += 1
        mid = self.next_id
        self.send_text(json.dumps({"id": mid, "method": method, "params": params}))
        while True:
            msg = json.loads(self.recv_message())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise IOError(f"{method}: {msg['error']}")
                return msg["result"]


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q * len(s) + 0.5)) - 1))] if s else float("nan")


INJECT = r"""
(() => {
  const extra = %s;
  let wrapped;
  Object.defineProperty(window, 'Hls', { configurable: true, get() { return wrapped; }, set(H) {
    wrapped = class extends H { constructor(config) { super(Object.assign({}, config, extra)); } };
  } });
})();
"""


def main():
    port, url, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    hls_config = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] else None
    start_timeout = 30.0
    page = None
    for _ in range(150):
        try:
            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5))
            page = next((t for t in targets if t.get("type") == "page"), None)
            if page:
                break
        except OSError:
            pass
        time.sleep(0.2)
    if not page:
        print("no page in Chromium", file=sys.stderr)
        sys.exit(1)
    ws = WebSocket(page["webSocketDebuggerUrl"])
    if hls_config:
        json.loads(hls_config)  # must be a JSON object
        ws.call("Page.enable", {})
        ws.call("Page.addScriptToEvaluateOnNewDocument", {"source": INJECT % hls_config})
        print(f"EXPERIMENT hls.js config merged: {hls_config}")
    ws.call("Page.navigate", {"url": url})

    def probe():
        r = ws.call("Runtime.evaluate", {"expression": PROBE, "returnByValue": True})
        if "exceptionDetails" in r:
            raise IOError("probe failed: " + json.dumps(r["exceptionDetails"])[:500])
        return json.loads(r["result"]["value"])

    t0 = time.time()
    while True:
        try:
            s = probe()
        except IOError:  # the page is still loading
            time.sleep(0.1)
            continue
        if s["status"] == "playing" and s["latency"] is not None:
            break
        if time.time() - t0 > start_timeout:
            print(f"no playback after {start_timeout:.0f} s: {s}", file=sys.stderr)
            sys.exit(1)
        time.sleep(0.1)
    print(f"START playing after {time.time() - t0:.1f} s (from navigating to the page)")
    first = s
    lat, g2g, hls, diff, unreadable = [], [], [], [], 0
    end = time.time() + seconds
    next_at = time.time()
    while time.time() < end:
        next_at += 1.0
        time.sleep(max(0.0, next_at - time.time()))
        s = probe()
        g = None
        if s.get("code") is not None:
            g = ((s["now"] % (1 << 24)) - s["code"]) % (1 << 24) / 1000.0
            if s["latency"] is not None and (g < s["latency"] - 0.5 or g > 60):
                unreadable += 1
                g = None
        if s["latency"] is not None:
            lat.append(s["latency"])
        if g is not None:
            g2g.append(g)
            if s["latency"] is not None:
                diff.append(g - s["latency"])
        if s.get("hls") is not None:
            hls.append(s["hls"])
        print(f"SAMPLE status={s['status']} latency={s['latency']:.3f} g2g={'-' if g is None else f'{g:.3f}'} "
              f"hls={s.get('hls') or 0:.3f} ahead={s.get('ahead', 0):.3f} t={s.get('t', 0):.2f} "
              f"rate={s.get('rate')} dropped={s.get('dropped')}/{s.get('frames')} waiting={s['waiting']} "
              f"errors={s['errors']} margin={s.get('margin')}")
    last = s

    def stats(name, v):
        return f"{name}_n={len(v)} {name}_p50={pct(v, 0.5):.3f} {name}_p99={pct(v, 0.99):.3f} " \
               f"{name}_max={max(v) if v else float('nan'):.3f} {name}_min={min(v) if v else float('nan'):.3f}"

    print("SUMMARY " + " ".join([stats("latency", lat), stats("g2g", g2g), stats("g2g_minus_latency", diff),
                                  stats("hls", hls),
                                  f"unreadable={unreadable}",
                                  f"dropped={(last.get('dropped') or 0) - (first.get('dropped') or 0)}",
                                  f"frames={(last.get('frames') or 0) - (first.get('frames') or 0)}",
                                  f"waiting={last['waiting'] - first['waiting']}",
                                  f"errors={last['errors']} fatal={last['fatal']}"]))


if __name__ == "__main__":
    main()
