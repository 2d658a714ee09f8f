package io.aqueduct.transcode.internal.ladder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The renditions one application's streams are transcoded into, tallest first. */
public record Ladder(List<Rendition> renditions) {
    /** 720p, 480p and 240p; the 240p rendition re-encodes the audio to 64 kb/s, the others pass it through. */
    public static final String DEFAULT = "720p:2500k:copy, 480p:1200k:copy, 240p:400k:64k";

    public Ladder {
        renditions = renditions.stream().sorted(Comparator.comparingInt(Rendition::height).reversed()).toList();
        if (renditions.isEmpty()) {
            throw new IllegalArgumentException("a ladder needs at least one rendition");
        }
        for (int i = 1; i < renditions.size(); i++) {
            if (renditions.get(i).height() == renditions.get(i - 1).height()) {
                throw new IllegalArgumentException("two renditions of " + renditions.get(i).height() + "p: the "
                        + "height names the rendition's stream, so each height can appear once");
            }
        }
    }

    /**
     * Reads {@code 720p:2500k:copy, 480p:1200k, 240p:400k:64k}: per rendition its height, its video bitrate and
     * (optional, default {@code copy}) its audio bitrate. Bitrates in bits per second, with {@code k} or {@code M}.
     *
     * @throws IllegalArgumentException naming the entry that is wrong and why
     */
    public static Ladder parse(String spec) {
        List<Rendition> out = new ArrayList<>();
        for (String entry : spec.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            String[] parts = e.split(":");
            if (parts.length < 2 || parts.length > 3) {
                throw new IllegalArgumentException("'" + e + "' is not <height>p:<video bitrate>[:<audio bitrate>"
                        + "|copy], e.g. 480p:1200k:copy");
            }
            try {
                String h = parts[0].strip().toLowerCase(Locale.ROOT);
                if (!h.endsWith("p")) {
                    throw new IllegalArgumentException("the height must end in p, e.g. 480p");
                }
                int height = Integer.parseInt(h.substring(0, h.length() - 1));
                long video = bitrate(parts[1]);
                long audio = parts.length == 3 && !parts[2].strip().equalsIgnoreCase("copy") ? bitrate(parts[2]) : 0;
                out.add(new Rendition(height, video, audio));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("rendition '" + e + "': " + ex.getMessage(), ex);
            }
        }
        return new Ladder(out);
    }

    private static long bitrate(String text) {
        String t = text.strip();
        long unit = 1;
        if (t.endsWith("k") || t.endsWith("K")) {
            unit = 1000;
        } else if (t.endsWith("M") || t.endsWith("m")) {
            unit = 1_000_000;
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            return Math.round(Double.parseDouble(digits) * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + t + "' is not a bitrate (like 1200k or 2.5M)");
        }
    }

    /**
     * The renditions for a source of {@code width} x {@code height}: those not taller than the source (a ladder
     * never upscales), each as wide as the source's aspect ratio makes it, rounded to an even number.
     */
    public List<PlannedRendition> plan(int width, int height) {
        List<PlannedRendition> out = new ArrayList<>();
        for (Rendition r : renditions) {
            if (r.height() <= height) {
                int w = (int) Math.round((double) width * r.height() / height / 2) * 2;
                out.add(new PlannedRendition(r, Math.max(2, w), r.height()));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return String.join(", ", renditions.stream().map(Rendition::toString).toList());
    }

    /** A rendition sized for one source. */
    public record PlannedRendition(Rendition rendition, int width, int height) {
    }
}
