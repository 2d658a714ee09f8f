package io.aqueduct.lb.internal.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aqueduct.lb.TemplateException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The template language on its own: what renders, and what fails with which line. */
class TemplateTest {
    private static final Template.Items SERVERS = new Template.Items(List.of("id", "port"), List.of(
            Map.of("id", "a", "port", 1), Map.of("id", "b", "port", 2)));
    private static final Template.Items NONE = new Template.Items(List.of("id", "port"), List.of());
    private static final Map<String, Object> MODEL = Map.of("servers", SERVERS, "none", NONE, "tls", true,
            "plain", false, "group", "g1", "empty", "", "count", 2);

    private static String render(String template) throws TemplateException {
        return Template.render(Template.parse(template), MODEL);
    }

    @Test
    void valuesListsAndFlagsRender() throws Exception {
        assertThat(render("group {{group}} has {{ count }}\n")).isEqualTo("group g1 has 2\n");
        assertThat(render("{{#servers}}[{{id}}:{{port}} of {{group}}]{{/servers}}"))
                .as("a row's fields, and the outer names too").isEqualTo("[a:1 of g1][b:2 of g1]");
        assertThat(render("{{#none}}x{{/none}}{{^none}}no servers{{/none}}")).isEqualTo("no servers");
        assertThat(render("{{^servers}}x{{/servers}}")).isEmpty();
        assertThat(render("{{#tls}}ssl{{/tls}}{{^tls}}plain{{/tls}} {{#plain}}x{{/plain}}{{^plain}}y{{/plain}}"))
                .isEqualTo("ssl y");
        assertThat(render("{{#group}}set{{/group}}{{#empty}}x{{/empty}}{{^empty}}unset{{/empty}}"))
                .as("a string is true when not empty").isEqualTo("setunset");
        assertThat(render("a{{! a comment: {{#x}} is no tag here }}b")).as("a comment ends at the first }}")
                .isEqualTo("a is no tag here }}b");
        assertThat(render("a{{! a comment; any text }}b")).isEqualTo("ab");
    }

    @Test
    void aTagAloneOnItsLineTakesTheLineWithIt() throws Exception {
        String template = """
                upstream {
                {{#servers}}
                    server {{id}}:{{port}};
                {{/servers}}
                  {{^servers}}
                    server none;
                  {{/servers}}
                {{! a comment line }}
                }
                """;
        assertThat(render(template)).isEqualTo("""
                upstream {
                    server a:1;
                    server b:2;
                }
                """);
        assertThat(render("x {{#tls}}\ny\n{{/tls}}\n")).as("not alone: the line stays").isEqualTo("x \ny\n");
        assertThat(render("{{#tls}}a{{/tls}}\n")).as("two tags on a line: it stays").isEqualTo("a\n");
    }

    @Test
    void anUnknownNameNamesItsLineEvenInASectionThatRendersNothing() {
        assertThatThrownBy(() -> render("a\nb {{grup}}\n")).isInstanceOf(TemplateException.class)
                .hasMessageStartingWith("template line 2: unknown name 'grup'").hasMessageContaining("group")
                .extracting(e -> ((TemplateException) e).line()).isEqualTo(2);
        // the list is empty and the flag false today; the typo must not wait for them to change
        assertThatThrownBy(() -> render("{{#none}}\n\n{{prot}}\n{{/none}}\n"))
                .hasMessageStartingWith("template line 3: unknown name 'prot'").hasMessageContaining("known here: "
                        + "count, empty, group, id, none, plain, port, servers, tls");
        assertThatThrownBy(() -> render("{{#plain}}\n{{nope}}{{/plain}}"))
                .hasMessageStartingWith("template line 2: unknown name 'nope'");
        assertThatThrownBy(() -> render("{{#servers}}{{/servers}}\n{{id}}"))
                .as("a row's fields end with the section").hasMessageStartingWith("template line 2: unknown name 'id'");
        assertThatThrownBy(() -> render("\n{{#orgins}}x{{/orgins}}"))
                .hasMessageStartingWith("template line 2: unknown name 'orgins'");
    }

    @Test
    void malformedTemplatesNameTheLine() {
        assertThatThrownBy(() -> render("a\n{{#servers}}\nx\n")).isInstanceOf(TemplateException.class)
                .hasMessage("template line 2: {{#servers}} is never closed with {{/servers}}");
        assertThatThrownBy(() -> render("{{#servers}}\n{{^tls}}\n{{/servers}}\n{{/tls}}"))
                .hasMessage("template line 3: {{/servers}} does not close {{^tls}} opened on line 2");
        assertThatThrownBy(() -> render("x\n\n{{/tls}}")).hasMessage("template line 3: {{/tls}} closes no open section");
        assertThatThrownBy(() -> render("x\ny {{group")).hasMessage("template line 2: '{{' without a closing '}}'");
        assertThatThrownBy(() -> render("{{! two\nlines }}\n{{{group}}}"))
                .as("lines counted through a comment").hasMessageStartingWith("template line 3: '{{{group}}' is not a tag");
        assertThatThrownBy(() -> render("{{}}")).hasMessageStartingWith("template line 1: '{{}}' is not a tag");
        assertThatThrownBy(() -> render("{{#}}{{/}}")).hasMessageStartingWith("template line 1: '{{#}}' is not a tag");
        assertThatThrownBy(() -> render("\n{{servers}}"))
                .hasMessage("template line 2: 'servers' is a list: use it as {{#servers}}...{{/servers}}");
        assertThatThrownBy(() -> render("{{tls}}"))
                .hasMessage("template line 1: 'tls' is a flag: use it as {{#tls}}...{{/tls}}");
    }

    @Test
    void aValueThatCouldStartADirectiveIsRefusedEvenIfTheCallerForgotToEscapeIt() {
        for (String bad : List.of("a;b", "a b", "a\nb", "a}", "a{", "a#", "a\"", "a'", "a$x", "a\\b", "a\u0000")) {
            assertThatThrownBy(() -> Template.render(Template.parse("{{v}}"), Map.of("v", bad)))
                    .as(bad).isInstanceOf(IllegalStateException.class).hasMessageContaining("neither escaped");
        }
    }
}
