package dev.portcullis.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.proxy.live.LiveConnection;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.Revocation;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.tunnel.Tunnel;
import java.time.Instant;
import java.util.Collection;

/** The admin API's response bodies, field by field as docs/ARCHITECTURE.md documents them. Thread-safe. */
final class AdminJson {
    private final ObjectMapper mapper;

    AdminJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    ObjectNode object() {
        return mapper.createObjectNode();
    }

    ObjectNode sessions(Collection<SessionRecord> sessions) {
        ObjectNode root = object();
        ArrayNode list = root.putArray("sessions");
        sessions.stream().sorted(java.util.Comparator.comparing(s -> s.id().value())).forEach(s -> list.add(session(s)));
        return root;
    }

    ObjectNode session(SessionRecord s) {
        ObjectNode node = object().put("id", s.id().value()).put("owner", s.owner()).put("agent", s.agentId());
        ArrayNode apps = node.putArray("apps");
        for (AppSpec app : s.apps()) {
            apps.addObject().put("name", app.name()).put("port", app.port()).put("kind", AdminRequests.lower(app.kind()));
        }
        return node;
    }

    ObjectNode connections(Collection<LiveConnection> connections) {
        ObjectNode root = object();
        ArrayNode list = root.putArray("connections");
        connections.stream().sorted(java.util.Comparator.comparing(LiveConnection::since)).forEach(c -> list.addObject()
                .put("id", c.id())
                .put("user", c.user())
                .put("session", c.session().value())
                .put("app", c.app())
                .put("kind", AdminRequests.lower(c.kind()))
                .put("since", c.since().toString())
                .put("bytesIn", c.bytesIn())
                .put("bytesOut", c.bytesOut())
                .put("remote", c.remote()));
        return root;
    }

    ObjectNode tunnels(Collection<Tunnel> tunnels, String nodeId, TunnelsSeen seen) {
        ObjectNode root = object();
        ArrayNode list = root.putArray("tunnels");
        for (Tunnel t : tunnels) {
            Instant since = seen.since(t);
            list.addObject()
                    .put("id", t.id())
                    .put("agent", t.agentId())
                    .put("node", nodeId)
                    .put("since", since == null ? null : since.toString())
                    .put("streams", t.openStreams());
        }
        return root;
    }

    ObjectNode revocation(Revocation r) {
        return object()
                .put("kind", AdminRequests.lower(r.kind()))
                .put("target", r.target())
                .put("at", r.at().toString())
                .put("until", r.until().toString());
    }

    ObjectNode error(String code, String message) {
        return object().put("error", code).put("message", message);
    }
}
