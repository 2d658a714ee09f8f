package io.aqueduct.lb.internal.render;

import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.lb.Rendered;
import io.aqueduct.lb.TemplateException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Renders a load balancer template for the registry's nodes: origins take publishers, edges take viewers (the
 * origins do while no edge is alive), any node answers the console and REST reads. The values a template can use are
 * listed in {@code lb-templates/README.md}.
 *
 * <p>The registry is written by the nodes, so nothing from it reaches the text unchecked: ids are escaped, addresses
 * validated (a node with a bad one is left out and reported), ports are numbers. The output holds nothing but the
 * template and the registry (no time stamps), and nodes come sorted by id, so equal registries give byte-identical
 * text: the agent compares renders to decide whether to reload.
 */
public final class LbRenderer {
    static final String ORIGIN = "origin";
    static final String EDGE = "edge";
    /** What an escaped value may hold; everything else becomes {@code _}. */
    private static final Pattern NOT_ESCAPED = Pattern.compile("[^A-Za-z0-9._:\\-/\\[\\]]");
    /** HAProxy's server names allow letters, digits and {@code . _ : -} only. */
    private static final Pattern NOT_NAME = Pattern.compile("[^A-Za-z0-9._:-]");
    private static final int NAME_MAX = 64;
    /** How long a value may be in a {@code skipped} reason. */
    private static final int SHOWN_MAX = 80;
    private static final List<String> FIELDS = List.of("id", "name", "address", "host", "rtmp", "http", "role");
    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
            + "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final Pattern DNS_LABEL = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    /** Equal registries, equal text: the order nodes come in from the registry must not matter. */
    private static final Comparator<ClusterNode> ORDER = Comparator.comparing(ClusterNode::id)
            .thenComparing(ClusterNode::address, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(ClusterNode::role, Comparator.nullsFirst(Comparator.naturalOrder()));

    /** A node that takes part, with the ports it is reached on. */
    private record Member(ClusterNode node, int rtmp, int http) {
    }

    private LbRenderer() {
    }

    /**
     * Renders {@code templateText} for the registry's nodes. Only alive nodes with role {@code origin} or
     * {@code edge} take part; dead ones are left out silently, alive ones with an address that is not a plain IPv4
     * address, a bracket-free IPv6 address or a DNS host name, or without an {@code rtmp} and an {@code http} port,
     * are left out and named in {@link Rendered#skipped()}.
     *
     * @param format the balancer the template is for (both take the same escaping today)
     * @param registry the registry's address for a comment line, already password-masked; escaped here
     * @throws TemplateException for a malformed template or an unknown name, with the template line
     */
    public static Rendered render(LbFormat format, String templateText, List<ClusterNode> nodes,
            LbListeners listeners, String registry) throws TemplateException {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(listeners, "listeners");
        // parsed before anything else, so a broken template fails the same way whatever the registry holds
        List<Template.Part> template = Template.parse(templateText);
        List<String> skipped = new ArrayList<>();
        List<Member> origins = new ArrayList<>();
        List<Member> edges = new ArrayList<>();
        List<Member> all = new ArrayList<>();
        for (ClusterNode n : nodes.stream().sorted(ORDER).toList()) {
            boolean serving = ORIGIN.equals(n.role()) || EDGE.equals(n.role());
            if (!n.alive() || !serving) {
                continue; // the registry says why; a dead node leaving the file is the active health check
            }
            Integer rtmp = n.ports().get("rtmp");
            Integer http = n.ports().get("http");
            String problem = addressProblem(n.address());
            problem = problem != null ? problem : portProblem("rtmp", rtmp);
            problem = problem != null ? problem : portProblem("http", http);
            if (problem != null) {
                skipped.add(shown(n.id()) + ": " + problem);
                continue;
            }
            Member m = new Member(n, rtmp, http);
            all.add(m);
            (ORIGIN.equals(n.role()) ? origins : edges).add(m);
        }
        Map<String, Object> model = new HashMap<>();
        model.put("origins", items(origins));
        model.put("edges", items(edges));
        model.put("nodes", items(all));
        // a cluster without edges still plays: the origins serve viewers themselves
        model.put("playback", items(edges.isEmpty() ? origins : edges));
        model.put("originCount", origins.size());
        model.put("edgeCount", edges.size());
        model.put("listenAddress", listeners.listenAddress());
        model.put("rtmpPublishPort", listeners.rtmpPublishPort());
        model.put("rtmpPlayPort", listeners.rtmpPlayPort());
        model.put("httpPort", listeners.httpPort());
        model.put("httpsPort", listeners.httpsPort());
        model.put("rtmpsPort", listeners.rtmpsPort());
        model.put("tls", listeners.tls());
        // the paths were validated by LbListeners: escaping would silently change a file name
        model.put("tlsCertificate", listeners.tlsCertificate());
        model.put("tlsKey", listeners.tlsKey());
        model.put("runtimeDir", listeners.runtimeDir());
        model.put("streamModule", listeners.nginxStreamModule());
        model.put("registry", escape(registry == null ? "" : registry));
        return new Rendered(Template.render(template, model), skipped);
    }

    /**
     * {@code value} with every character outside {@code [A-Za-z0-9._:-/[]]} replaced by {@code _}: safe in a
     * comment, a name or an identifier of either balancer, whatever a node wrote into the registry.
     */
    public static String escape(String value) {
        return NOT_ESCAPED.matcher(value).replaceAll("_");
    }

    /** The rows of a list, with a {@code name} unique within it (HAProxy refuses two servers of the same name). */
    private static Template.Items items(List<Member> members) {
        Set<String> names = new HashSet<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Member m : members) {
            ClusterNode n = m.node();
            String base = NOT_NAME.matcher(n.id()).replaceAll("_");
            base = base.isEmpty() ? "node" : base.substring(0, Math.min(base.length(), NAME_MAX));
            String name = base;
            for (int i = 2; !names.add(name); i++) { // members are sorted, so the same ids get the same names
                name = base + "_" + i;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", escape(n.id()));
            row.put("name", name);
            row.put("address", n.address());
            row.put("host", n.address().indexOf(':') >= 0 ? "[" + n.address() + "]" : n.address());
            row.put("rtmp", m.rtmp());
            row.put("http", m.http());
            row.put("role", n.role());
            rows.add(row);
        }
        return new Template.Items(FIELDS, rows);
    }

    /** Why {@code address} cannot go into the configuration, or null when it can. */
    static String addressProblem(String address) {
        if (address == null || address.isEmpty()) {
            return "no address in the registry";
        }
        if (IPV4.matcher(address).matches() || ipv6(address) || hostName(address)) {
            return null;
        }
        return "address '" + shown(address) + "' is not an IPv4 address, an IPv6 address without brackets or a DNS "
                + "host name";
    }

    private static String portProblem(String name, Integer port) {
        if (port == null) {
            return "no '" + name + "' port in the registry";
        }
        return port < 1 || port > 65535 ? "'" + name + "' port " + port + " is not from 1 to 65535" : null;
    }

    /** RFC 4291 text form without brackets or zone: eight groups, {@code ::} at most once, an IPv4 tail allowed. */
    private static boolean ipv6(String s) {
        int gap = s.indexOf("::");
        if (s.indexOf(':') < 0 || (gap >= 0 && s.indexOf("::", gap + 1) >= 0)) {
            return false;
        }
        List<String> groups = new ArrayList<>();
        for (String half : gap >= 0 ? List.of(s.substring(0, gap), s.substring(gap + 2)) : List.of(s)) {
            if (!half.isEmpty()) {
                groups.addAll(List.of(half.split(":", -1)));
            }
        }
        int count = 0;
        for (int i = 0; i < groups.size(); i++) {
            String g = groups.get(i);
            if (i == groups.size() - 1 && !s.endsWith(":") && IPV4.matcher(g).matches()) {
                count += 2;
            } else if (HEX_GROUP.matcher(g).matches()) {
                count++;
            } else {
                return false;
            }
        }
        return gap >= 0 ? count <= 7 : count == 8;
    }

    /** RFC 1123 host name; a numeric last label is a malformed IPv4 address, not a name. */
    private static boolean hostName(String s) {
        if (s.length() > 253) {
            return false;
        }
        String[] labels = s.split("\\.", -1);
        for (String label : labels) {
            if (!DNS_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    /** A registry value as a {@code skipped} reason shows it: escaped (it goes to logs and JSON) and short. */
    private static String shown(String value) {
        String escaped = escape(value);
        return escaped.length() <= SHOWN_MAX ? escaped : escaped.substring(0, SHOWN_MAX) + "...";
    }
}
