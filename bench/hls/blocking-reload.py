#!/usr/bin/env python3
"""LL-HLS blocking playlist reload, measured from the client (bench/hls-latency.sh runs it).

usage: blocking-reload.py URL-OF-ll.m3u8 SECONDS

Does what an LL-HLS player does at the live edge: it reads ll.m3u8 once, then asks for the part that the
playlist's preload hint names with a blocking request (ll.m3u8?_HLS_msn=M&_HLS_part=P), and again for the next
hint as soon as the answer comes, for SECONDS; after each answer it downloads the new part (GET M.P.m4s) on the
same keep-alive connection, as hls.js does. One connection, no parallelism, standard library only.

Per part it records (all on this machine's clock, which is also the server's):
  wait      how long the blocking request was parked: answer time - request time. The request for the next part
            goes out right after the previous one came back, so at the live edge this should be about one part
            duration (a request answered at once would mean the server does not block; one answered much later
            than the part duration would mean the server wakes parked requests late).
  duration  the part's EXT-X-PART DURATION.
  behind    answer time - nominal end of the part: the segment's EXT-X-PROGRAM-DATE-TIME (the server's arrival time
            of the segment's first frame) plus the durations of the parts before it and of the part itself. With a
            publisher that sends in real time, the frame after the part (whose arrival closes the part) reaches the
            server at about that nominal end, so this is the server's delay from "the part can be cut" to "the
            client holds the playlist that lists it", plus publisher jitter. It can be slightly negative: arrival
            times of later frames jitter around PDT + media time.
            If the playlist's PDT is later than the true arrival of the segment's first frame, every part shows
            that as a constant negative offset; behind_jitter (behind minus its median) is free of it.
  part_dl   time to download the part after the playlist answered (request to last byte).
  ready     answer time + part_dl - nominal end: when the client holds the part's bytes, after its nominal end.
Prints one PART line per part and a SUMMARY line with p50/p99/max of each.
"""
import http.client
import re
import sys
import time
import urllib.parse
from datetime import datetime


def pct(values, q):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q * len(s) + 0.5)) - 1))]


def parse(text):
    """Segments of an LL-HLS playlist: {msn: (pdt_ms, [part durations])}, the preload hint (msn, part)."""
    seq = 0
    segs = {}
    pdt = None
    parts = []
    hint = None
    cur = None
    for line in text.splitlines():
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            seq = int(line.split(":", 1)[1])
            cur = seq
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            pdt = datetime.fromisoformat(line.split(":", 1)[1].replace("Z", "+00:00")).timestamp() * 1000
        elif line.startswith("#EXT-X-PART:"):
            d = float(re.search(r"DURATION=([0-9.]+)", line).group(1))
            uri = re.search(r'URI="([^"]+)"', line).group(1)
            m = re.match(r"(\d+)\.(\d+)\.m4s", uri)
            msn, idx = int(m.group(1)), int(m.group(2))
            if idx == 0:
                parts = []
            parts.append(d)
            segs[msn] = (pdt, list(parts))
        elif line.startswith("#EXT-X-PRELOAD-HINT:"):
            m = re.search(r'URI="(\d+)\.(\d+)\.m4s"', line)
            hint = (int(m.group(1)), int(m.group(2)))
        elif line and not line.startswith("#"):
            # a complete segment closes: the next PDT belongs to the next one
            parts = []
    return segs, hint


def main():
    url, seconds = sys.argv[1], float(sys.argv[2])
    u = urllib.parse.urlsplit(url)
    base = u.path.rsplit("/", 1)[0]
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)

    def get(path):
        t0 = time.time()
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        return r.status, body, t0, time.time()

    status, body, _, _ = get(u.path)
    if status != 200:
        print(f"ll.m3u8 answered {status}", file=sys.stderr)
        sys.exit(1)
    segs, hint = parse(body.decode())
    if hint is None:
        print("no EXT-X-PRELOAD-HINT in the playlist", file=sys.stderr)
        sys.exit(1)
    rows = []
    errors = 0
    rollovers = 0
    end = time.time() + seconds
    while time.time() < end:
        msn, idx = hint
        status, body, t_req, t_ans = get(f"{u.path}?_HLS_msn={msn}&_HLS_part={idx}")
        if status != 200:
            errors += 1
            print(f"blocking request {msn}.{idx} answered {status}: {body[:200]!r}", file=sys.stderr)
            time.sleep(0.5)
            status, body, _, _ = get(u.path)
            segs, hint = parse(body.decode())
            continue
        segs, new_hint = parse(body.decode())
        if msn in segs and len(segs[msn][1]) <= idx and new_hint is not None and new_hint[0] > msn:
            # the hint named a part after the last one of its segment: the segment ended instead (the server
            # answers when the segment is complete); the next hint is the next segment's part 0
            rollovers += 1
        elif msn not in segs or len(segs[msn][1]) <= idx:
            errors += 1
            print(f"answer to {msn}.{idx} does not list that part", file=sys.stderr)
        else:
            pdt, durations = segs[msn]
            nominal_end = pdt + sum(durations[: idx + 1]) * 1000
            pstatus, pbody, p0, p1 = get(f"{base}/{msn}.{idx}.m4s")
            if pstatus != 200:
                errors += 1
            wait = (t_ans - t_req) * 1000
            behind = t_ans * 1000 - nominal_end
            dl = (p1 - p0) * 1000
            rows.append((wait, durations[idx] * 1000, behind, dl, p1 * 1000 - nominal_end))
            print(f"PART {msn}.{idx} wait_ms={wait:.1f} duration_ms={durations[idx] * 1000:.0f} "
                  f"behind_ms={behind:.1f} part_dl_ms={dl:.2f} ready_ms={p1 * 1000 - nominal_end:.1f} "
                  f"bytes={len(pbody)}")
        hint = new_hint
    if len(rows) < 2:
        print("too few parts", file=sys.stderr)
        sys.exit(1)
    rows = rows[1:]  # the first answer may come at once (the part existed already)
    cols = list(zip(*rows))
    names = ["wait", "duration", "behind", "part_dl", "ready"]
    out = [f"parts={len(rows)} errors={errors} rollovers={rollovers}"]
    for name, col in zip(names, cols):
        out.append(f"{name}_p50={pct(col, 0.5):.1f} {name}_p99={pct(col, 0.99):.1f} {name}_max={max(col):.1f}")
    mean_wait = sum(cols[0]) / len(cols[0])
    mean_dur = sum(cols[1]) / len(cols[1])
    out.append(f"wait_mean={mean_wait:.1f} duration_mean={mean_dur:.1f}")
    # behind carries a constant offset when the playlist's PDT is not exactly the first frame's arrival;
    # its spread around the median is the delivery jitter
    med = pct(cols[2], 0.5)
    spread = [b - med for b in cols[2]]
    out.append(f"behind_jitter_p99={pct(spread, 0.99):.1f} behind_jitter_min={min(spread):.1f}")
    print("SUMMARY " + " ".join(out))


if __name__ == "__main__":
    main()
