package io.aqueduct.rest.internal.cluster;

import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.api.cluster.ClusterStream;
import io.aqueduct.api.cluster.ClusterView;
import io.aqueduct.api.cluster.RegistryUnavailableException;
import io.aqueduct.api.json.JsonWriter;
import io.aqueduct.api.node.NodeMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What {@code /rest/v2/cluster/} answers, computed from a {@link ClusterView} (or its absence) as plain values, so
 * it is tested without a servlet container or a framework.
 *
 * <ul>
 * <li>{@code GET /nodes}: the registry, this node and every node with its heartbeat and load.
 * <li>{@code GET /streams}: every registered stream with its origin.
 * <li>{@code DELETE /nodes/{id}}: removes a dead node (200), 404 no such node, 409 alive, 400 not a node id.
 * </ul>
 *
 * <p>Without a ClusterView the node is standalone: reads answer 200 with {@code "mode":"standalone"}, empty lists
 * and a {@code message} saying how to join a cluster, and DELETE answers 409 with that message. A node configured
 * for cluster mode whose registry bundle offers no view (starting, or failing to start) answers 503 instead: it is
 * not standalone, and saying so would send the operator the wrong way. The registry being unreachable answers 503.
 * Every error is JSON with an {@code error} field.
 */
public final class ClusterApi {
    /** Where the servlet is mounted; paths given to {@link #answer} are relative to it. */
    public static final String ROOT = "/rest/v2/cluster";

    /** Node ids as the role manager accepts them ({@code node.id}). */
    static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public static final String STANDALONE_MESSAGE = "This node runs standalone: it belongs to no cluster and has no "
            + "registry. `bin/aqueduct mode cluster <mongo>` joins a cluster (<mongo>: the registry's address or a "
            + "mongodb:// URI; add --role origin|edge).";

    static final String NO_VIEW_MESSAGE = "This node is configured for cluster mode, but the registry bundle "
            + "(io.aqueduct.cluster.mongo) offers no cluster view: it is starting, cannot start, or is not installed. "
            + "/health and logs/aqueduct.log say which.";

    private static final String READ = "GET, HEAD";
    private static final String DELETE = "DELETE";

    /**
     * One answer.
     *
     * @param allow the methods the resource allows, for the {@code Allow} header of a 405; null otherwise
     */
    public record Answer(int status, String json, String allow) {
        static Answer of(int status, String json) {
            return new Answer(status, json, null);
        }
    }

    /**
     * @param method the HTTP method
     * @param path   the path below {@link #ROOT} (the servlet's path info): {@code /nodes}, {@code /nodes/n1}, ...; null
     *               for the root itself
     * @param view   the registry's view, null when no ClusterView service exists
     * @param nodeId this node's id from its NodeIdentity, null before there is one; shown in standalone mode
     * @param mode   the configured mode from NodeIdentity, null before there is one
     */
    public static Answer answer(String method, String path, ClusterView view, String nodeId, NodeMode mode) {
        String p = path == null ? "" : path;
        if (p.equals("/nodes") || p.equals("/nodes/")) {
            return isRead(method) ? nodes(view, nodeId, mode) : notAllowed(method, READ);
        }
        if (p.equals("/streams") || p.equals("/streams/")) {
            return isRead(method) ? streams(view, mode) : notAllowed(method, READ);
        }
        if (p.startsWith("/nodes/")) {
            return DELETE.equals(method) ? delete(view, mode, p.substring("/nodes/".length()))
                    : notAllowed(method, DELETE);
        }
        return error(404, "no such resource: " + ROOT + p + " (there are " + ROOT + "/nodes, " + ROOT
                + "/streams and DELETE " + ROOT + "/nodes/{id})");
    }

    private static boolean isRead(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    static Answer nodes(ClusterView view, String nodeId, NodeMode mode) {
        if (view == null) {
            if (mode == NodeMode.CLUSTER) {
                return noView();
            }
            JsonWriter w = new JsonWriter().beginObject();
            w.name("mode").value(NodeMode.STANDALONE.configName());
            w.name("nodeId").value(nodeId);
            w.name("registry").nullValue();
            w.name("heartbeatPeriodMs").nullValue();
            w.name("deadAfterMs").nullValue();
            w.name("nodes").beginArray().endArray();
            w.name("message").value(STANDALONE_MESSAGE);
            return Answer.of(200, w.endObject().toString());
        }
        try {
            String self = view.nodeId();
            String registry = view.registry();
            Duration period = view.heartbeatPeriod();
            Duration deadAfter = view.deadAfter();
            List<ClusterNode> nodes = view.nodes();
            JsonWriter w = new JsonWriter().beginObject();
            w.name("mode").value(NodeMode.CLUSTER.configName());
            w.name("nodeId").value(self);
            w.name("registry").value(registry);
            w.name("heartbeatPeriodMs").value(millis(period));
            w.name("deadAfterMs").value(millis(deadAfter));
            w.name("nodes").beginArray();
            for (ClusterNode n : nodes) {
                writeNode(w, n, n.id().equals(self));
            }
            w.endArray();
            return Answer.of(200, w.endObject().toString());
        } catch (RegistryUnavailableException e) {
            return unavailable(e);
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    private static void writeNode(JsonWriter w, ClusterNode n, boolean self) {
        w.beginObject();
        w.name("id").value(n.id());
        w.name("address").value(n.address());
        w.name("ports").beginObject();
        for (Map.Entry<String, Integer> port : new TreeMap<>(n.ports()).entrySet()) {
            w.name(port.getKey()).value(port.getValue().longValue());
        }
        w.endObject();
        w.name("role").value(n.role());
        w.name("group").value(n.group());
        w.name("version").value(n.version());
        w.name("started").value(iso(n.started()));
        // a fraction of the machine, 0 to 1; the registry reports a negative value when it is unknown
        if (n.cpu() < 0) {
            w.name("cpu").nullValue();
        } else {
            w.name("cpu").value(n.cpu());
        }
        w.name("memoryUsed").value(n.memoryUsed());
        w.name("memoryMax").value(n.memoryMax());
        w.name("streams").value(n.streams());
        w.name("viewers").value(n.viewers());
        w.name("lastHeartbeat").value(iso(n.lastHeartbeat()));
        w.name("heartbeatAgeMs").value(millis(n.heartbeatAge()));
        w.name("alive").value(n.alive());
        w.name("self").value(self);
        w.endObject();
    }

    static Answer streams(ClusterView view, NodeMode mode) {
        if (view == null) {
            if (mode == NodeMode.CLUSTER) {
                return noView();
            }
            JsonWriter w = new JsonWriter().beginObject();
            w.name("mode").value(NodeMode.STANDALONE.configName());
            w.name("streams").beginArray().endArray();
            w.name("message").value(STANDALONE_MESSAGE);
            return Answer.of(200, w.endObject().toString());
        }
        try {
            List<ClusterStream> streams = view.streams();
            JsonWriter w = new JsonWriter().beginObject();
            w.name("mode").value(NodeMode.CLUSTER.configName());
            w.name("streams").beginArray();
            for (ClusterStream s : streams) {
                w.beginObject();
                w.name("key").value(s.key());
                w.name("originNode").value(s.originNode());
                w.name("originAddress").value(s.originAddress());
                w.name("claimed").value(iso(s.claimed()));
                w.name("originAlive").value(s.originAlive());
                w.endObject();
            }
            w.endArray();
            return Answer.of(200, w.endObject().toString());
        } catch (RegistryUnavailableException e) {
            return unavailable(e);
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    static Answer delete(ClusterView view, NodeMode mode, String id) {
        if (!NODE_ID.matcher(id).matches()) {
            String shown = id.length() > 80 ? id.substring(0, 80) + "..." : id;
            return error(400, "'" + shown + "' is not a node id: 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (view == null) {
            return mode == NodeMode.CLUSTER ? noView() : error(409, STANDALONE_MESSAGE);
        }
        try {
            if (!view.deleteNode(id)) {
                return error(404, "no node " + id + " in the registry");
            }
            JsonWriter w = new JsonWriter().beginObject();
            w.name("deleted").value(true);
            w.name("id").value(id);
            return Answer.of(200, w.endObject().toString());
        } catch (IllegalStateException e) {
            // the registry refuses to delete a live node and says since when it is alive
            return error(409, e.getMessage() != null ? e.getMessage() : "node " + id + " is alive");
        } catch (RegistryUnavailableException e) {
            return unavailable(e);
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    private static Answer noView() {
        return error(503, NO_VIEW_MESSAGE);
    }

    private static Answer unavailable(RegistryUnavailableException e) {
        return error(503, e.getMessage() != null ? e.getMessage() : "the registry cannot be reached");
    }

    private static Answer failed(RuntimeException e) {
        return error(500, "reading the registry failed: " + e);
    }

    static Answer notAllowed(String method, String allow) {
        return new Answer(405, errorJson(method + " is not allowed here; allowed: " + allow), allow);
    }

    static Answer error(int status, String message) {
        return Answer.of(status, errorJson(message));
    }

    private static String errorJson(String message) {
        return new JsonWriter().beginObject().name("error").value(message).endObject().toString();
    }

    private static Long millis(Duration d) {
        return d == null ? null : d.toMillis();
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    private ClusterApi() {
    }
}
