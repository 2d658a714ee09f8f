package io.aqueduct.lb.internal.render;

import io.aqueduct.lb.TemplateException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The template language of {@code lb-templates/}, a small subset of Mustache (described in its README):
 * {@code {{name}}} substitutes, {@code {{#name}}...{{/name}}} repeats for each item of a list or renders once when a
 * flag is true, {@code {{^name}}...{{/name}}} renders when the list is empty or the flag false, {@code {{! ...}}} is a
 * comment. A section, close or comment tag alone on its line takes the whole line with it, so templates can put
 * them on lines of their own without leaving blank lines behind.
 *
 * <p>Every name is checked, also inside sections that render nothing this time (an empty list, a false flag), so a
 * typo fails on the first render rather than on the day the list fills. Values are substituted verbatim: the
 * caller escapes or validates them; a value that could still break out of a directive is a bug and throws.
 */
final class Template {
    sealed interface Part permits Text, Value, Section {
    }

    record Text(String text) implements Part {
    }

    record Value(String name, int line) implements Part {
    }

    record Section(String name, boolean inverted, int line, List<Part> body) implements Part {
    }

    /**
     * A list value: its rows (name to String or Integer), and the names every row has, so a template's names inside
     * the section are checked even when there are no rows.
     */
    record Items(List<String> fields, List<Map<String, Object>> rows) {
        Items {
            fields = List.copyOf(fields);
            rows = List.copyOf(rows);
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    /** The last line of defence against injection: what no substituted value may contain. */
    private static final Pattern UNSAFE = Pattern.compile("[\\s\"'`;{}#$\\\\\\p{Cntrl}]");

    private Template() {
    }

    /** Parses {@code text} into parts. */
    static List<Part> parse(String text) throws TemplateException {
        record Open(Section section, List<Part> outer) {
        }
        Deque<Open> open = new ArrayDeque<>();
        List<Part> parts = new ArrayList<>();
        int pos = 0;
        int line = 1;
        while (pos < text.length()) {
            int start = text.indexOf("{{", pos);
            if (start < 0) {
                parts.add(new Text(text.substring(pos)));
                break;
            }
            int tagLine = line + newlines(text, pos, start);
            int end = text.indexOf("}}", start + 2);
            if (end < 0) {
                throw new TemplateException(tagLine, "'{{' without a closing '}}'");
            }
            String tag = text.substring(start + 2, end);
            char kind = tag.isEmpty() ? ' ' : tag.charAt(0);
            boolean block = kind == '#' || kind == '^' || kind == '/' || kind == '!';
            int textEnd = start;
            int next = end + 2;
            if (block) {
                int lineStart = text.lastIndexOf('\n', start - 1) + 1;
                int lineEnd = text.indexOf('\n', next);
                lineEnd = lineEnd < 0 ? text.length() : lineEnd;
                if (lineStart >= pos && blank(text, lineStart, start) && blank(text, next, lineEnd)) {
                    textEnd = lineStart;
                    next = Math.min(lineEnd + 1, text.length());
                }
            }
            if (textEnd > pos) {
                parts.add(new Text(text.substring(pos, textEnd)));
            }
            line = tagLine + newlines(text, start, next);
            pos = next;
            if (kind == '!') {
                continue;
            }
            String name = (block ? tag.substring(1) : tag).strip();
            if (!NAME.matcher(name).matches()) {
                throw new TemplateException(tagLine, "'{{" + tag + "}}' is not a tag: expected {{name}}, {{#name}}, "
                        + "{{^name}}, {{/name}} or {{! comment}} with a name of letters and digits");
            }
            if (kind == '#' || kind == '^') {
                Section section = new Section(name, kind == '^', tagLine, new ArrayList<>());
                parts.add(section);
                open.push(new Open(section, parts));
                parts = section.body();
            } else if (kind == '/') {
                if (open.isEmpty()) {
                    throw new TemplateException(tagLine, "{{/" + name + "}} closes no open section");
                }
                Section closed = open.peek().section();
                if (!closed.name().equals(name)) {
                    throw new TemplateException(tagLine, "{{/" + name + "}} does not close {{" + opener(closed)
                            + "}} opened on line " + closed.line());
                }
                parts = open.pop().outer();
            } else {
                parts.add(new Value(name, tagLine));
            }
        }
        if (!open.isEmpty()) {
            Section unclosed = open.peek().section();
            throw new TemplateException(unclosed.line(), "{{" + opener(unclosed) + "}} is never closed with {{/"
                    + unclosed.name() + "}}");
        }
        return parts;
    }

    /** Renders {@code parts} with the values of {@code model} (String, Integer, Boolean or {@link Items}). */
    static String render(List<Part> parts, Map<String, Object> model) throws TemplateException {
        StringBuilder out = new StringBuilder();
        Deque<Map<String, Object>> scopes = new ArrayDeque<>();
        scopes.push(model);
        walk(parts, scopes, out);
        return out.toString();
    }

    /** Renders into {@code out}, or only checks the names when {@code out} is null (a section that renders nothing). */
    private static void walk(List<Part> parts, Deque<Map<String, Object>> scopes, StringBuilder out)
            throws TemplateException {
        for (Part part : parts) {
            if (part instanceof Text t) {
                if (out != null) {
                    out.append(t.text());
                }
            } else if (part instanceof Value v) {
                Object value = lookup(v.name(), v.line(), scopes);
                if (value instanceof Items || value instanceof Boolean) {
                    throw new TemplateException(v.line(), "'" + v.name() + "' is a " + (value instanceof Items
                            ? "list" : "flag") + ": use it as {{#" + v.name() + "}}...{{/" + v.name() + "}}");
                }
                if (out != null) {
                    out.append(safe(v.name(), value.toString()));
                }
            } else if (part instanceof Section s) {
                Object value = lookup(s.name(), s.line(), scopes);
                if (value instanceof Items items && !s.inverted()) {
                    // the rows, or once with blank fields just to check the names
                    boolean rendering = out != null && !items.rows().isEmpty();
                    List<Map<String, Object>> rows = rendering ? items.rows()
                            : List.of(items.fields().stream().collect(Collectors.toMap(Function.identity(), f -> "")));
                    for (Map<String, Object> row : rows) {
                        scopes.push(row);
                        walk(s.body(), scopes, rendering ? out : null);
                        scopes.pop();
                    }
                } else {
                    walk(s.body(), scopes, truthy(value) != s.inverted() ? out : null);
                }
            }
        }
    }

    private static Object lookup(String name, int line, Deque<Map<String, Object>> scopes) throws TemplateException {
        for (Map<String, Object> scope : scopes) { // innermost first
            Object value = scope.get(name);
            if (value != null) {
                return value;
            }
        }
        TreeSet<String> known = new TreeSet<>();
        scopes.forEach(scope -> known.addAll(scope.keySet()));
        throw new TemplateException(line, "unknown name '" + name + "'; known here: " + String.join(", ", known));
    }

    private static boolean truthy(Object value) {
        return value instanceof Items items ? !items.rows().isEmpty()
                : value instanceof Boolean b ? b
                : value instanceof Number n ? n.longValue() != 0
                : !value.toString().isEmpty();
    }

    private static String safe(String name, String value) {
        if (UNSAFE.matcher(value).find()) {
            throw new IllegalStateException("the value of '" + name + "' was neither escaped nor validated: "
                    + value.replaceAll("\\p{Cntrl}", "?"));
        }
        return value;
    }

    private static String opener(Section s) {
        return (s.inverted() ? "^" : "#") + s.name();
    }

    private static boolean blank(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    private static int newlines(String text, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }
}
