package io.aqueduct.ffmpeg;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.nio.charset.StandardCharsets;

/** An FFmpeg call failed: says which, with FFmpeg's text for the error code. */
public class FfmpegException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int code;

    /** @param what what was being done, e.g. "opening libx264 for 1280x720" */
    public FfmpegException(String what, int code) {
        super(what + ": " + describe(code));
        this.code = code;
    }

    public FfmpegException(String message) {
        super(message);
        this.code = 0;
    }

    /** FFmpeg's error code (negative), or 0 when the failure was not a return code. */
    public int code() {
        return code;
    }

    /** FFmpeg's text for an error code, with the code: {@code Invalid data found when processing input (-1094995529)}. */
    public static String describe(int code) {
        byte[] text = new byte[256];
        av_strerror(code, text, text.length);
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, StandardCharsets.UTF_8) + " (" + code + ")";
    }
}
