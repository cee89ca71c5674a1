package dev.portcullis.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.registry.AgentLease;
import dev.portcullis.registry.AppKind;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.RegistryEvent;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.registry.TokenIds;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses and validates admin API request bodies into registry types. Every refusal is a {@link BadRequest} naming
 * the field ({@code field 'apps[0].port': must be 1..65535}); unknown fields are refused too, so a typo never passes
 * silently. Quotes of client values are truncated. Thread-safe.
 */
final class AdminRequests {
    static final int MAX_APPS = 64;
    private static final int MAX_TEXT = TokenIds.MAX_LENGTH;

    private final ObjectMapper mapper;

    AdminRequests(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** What a revoke body names: exactly one of jti (with an optional until), user, session. */
    record RevokeRequest(String jti, Instant until, String user, SessionId session) {}

    JsonNode object(byte[] body) throws BadRequest {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new BadRequest("body: not valid JSON" + where);
        } catch (java.io.IOException e) {
            throw new BadRequest("body: unreadable");
        }
        if (root == null || !root.isObject()) {
            throw new BadRequest("body: expected a JSON object");
        }
        return root;
    }

    static SessionId sessionIdFromPath(String value) throws BadRequest {
        SessionId sid = SessionId.parseOrNull(value);
        if (sid == null) {
            throw new BadRequest("path 'sid': " + quote(value) + " is not a session id (expected: 1-63 of [a-z0-9-])");
        }
        return sid;
    }

    SessionRecord session(SessionId sid, JsonNode root) throws BadRequest {
        onlyFields(root, "", Set.of("owner", "agent", "apps", "id"));
        if (root.has("id") && !sid.value().equals(root.path("id").asText(null))) {
            throw BadRequest.field("id", "must equal the path's session id " + sid);
        }
        String owner = text(root, "owner", "owner");
        String agent = text(root, "agent", "agent");
        if (!AgentLease.isValidAgentId(agent)) {
            throw BadRequest.field("agent", quote(agent) + " is not an agent id (expected: 1-64 of [A-Za-z0-9._-])");
        }
        JsonNode apps = root.path("apps");
        if (!apps.isArray()) {
            throw BadRequest.field("apps", "missing or not an array");
        }
        if (apps.size() > MAX_APPS) {
            throw BadRequest.field("apps", apps.size() + " apps (expected: at most " + MAX_APPS + ")");
        }
        List<AppSpec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < apps.size(); i++) {
            String at = "apps[" + i + "]";
            JsonNode app = apps.get(i);
            if (!app.isObject()) {
                throw BadRequest.field(at, "expected an object");
            }
            onlyFields(app, at + ".", Set.of("name", "port", "kind"));
            String name = text(app, "name", at + ".name");
            if (!AppSpec.isValidName(name)) {
                throw BadRequest.field(at + ".name", quote(name) + " is not an app name (expected: 1-32 of [a-z0-9])");
            }
            if (!names.add(name)) {
                throw BadRequest.field(at + ".name", quote(name) + " appears twice");
            }
            JsonNode port = app.path("port");
            if (!port.isInt() || port.intValue() < 1 || port.intValue() > 65535) {
                throw BadRequest.field(at + ".port", "must be 1..65535");
            }
            specs.add(new AppSpec(name, port.intValue(), kind(text(app, "kind", at + ".kind"), at + ".kind")));
        }
        return new SessionRecord(sid, owner, agent, specs);
    }

    RegistryEvent.Kick kick(JsonNode root) throws BadRequest {
        onlyFields(root, "", Set.of("connection", "session", "app", "user"));
        String which = exactlyOne(root, "connection", "session", "user");
        if (root.has("app") && !which.equals("session")) {
            throw BadRequest.field("app", "only with 'session'");
        }
        return switch (which) {
            case "connection" -> new RegistryEvent.Kick(RegistryEvent.Kick.Target.CONNECTION,
                    text(root, "connection", "connection"), null);
            case "session" -> {
                SessionId sid = sessionId(root);
                String app = root.has("app") ? text(root, "app", "app") : null;
                if (app != null && !AppSpec.isValidName(app)) {
                    throw BadRequest.field("app", quote(app) + " is not an app name (expected: 1-32 of [a-z0-9])");
                }
                yield new RegistryEvent.Kick(RegistryEvent.Kick.Target.SESSION, sid.value(), app);
            }
            default -> new RegistryEvent.Kick(RegistryEvent.Kick.Target.USER, text(root, "user", "user"), null);
        };
    }

    RevokeRequest revoke(JsonNode root, Instant now) throws BadRequest {
        onlyFields(root, "", Set.of("jti", "until", "user", "session"));
        String which = exactlyOne(root, "jti", "user", "session");
        if (root.has("until") && !which.equals("jti")) {
            throw BadRequest.field("until", "only with 'jti'");
        }
        return switch (which) {
            case "jti" -> new RevokeRequest(text(root, "jti", "jti"), until(root, now), null, null);
            case "user" -> new RevokeRequest(null, null, text(root, "user", "user"), null);
            default -> new RevokeRequest(null, null, null, sessionId(root));
        };
    }

    private static Instant until(JsonNode root, Instant now) throws BadRequest {
        if (!root.has("until")) {
            return null;
        }
        String value = text(root, "until", "until");
        try {
            Instant until = Instant.parse(value);
            if (!until.isAfter(now)) {
                throw BadRequest.field("until", value + " is not in the future");
            }
            return until;
        } catch (DateTimeParseException e) {
            throw BadRequest.field("until", quote(value) + " is not an ISO-8601 instant (e.g. 2030-01-01T00:00:00Z)");
        }
    }

    private static SessionId sessionId(JsonNode root) throws BadRequest {
        String value = text(root, "session", "session");
        SessionId sid = SessionId.parseOrNull(value);
        if (sid == null) {
            throw BadRequest.field("session", quote(value) + " is not a session id (expected: 1-63 of [a-z0-9-])");
        }
        return sid;
    }

    private static String exactlyOne(JsonNode root, String... fields) throws BadRequest {
        String found = null;
        for (String f : fields) {
            if (root.has(f)) {
                if (found != null) {
                    throw new BadRequest("body: '" + found + "' and '" + f + "' together (expected: exactly one of "
                            + String.join(", ", fields) + ")");
                }
                found = f;
            }
        }
        if (found == null) {
            throw new BadRequest("body: expected exactly one of " + String.join(", ", fields));
        }
        return found;
    }

    private static void onlyFields(JsonNode node, String prefix, Set<String> allowed) throws BadRequest {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw BadRequest.field(prefix + truncate(name), "unknown (expected one of " + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }

    private static String text(JsonNode node, String name, String field) throws BadRequest {
        JsonNode v = node.path(name);
        if (!v.isTextual()) {
            throw BadRequest.field(field, "missing or not a string");
        }
        String s = v.textValue();
        if (s.isBlank() || s.length() > MAX_TEXT) {
            throw BadRequest.field(field, "must be 1-" + MAX_TEXT + " characters, not blank");
        }
        return s;
    }

    private static AppKind kind(String value, String field) throws BadRequest {
        return switch (value) {
            case "http" -> AppKind.HTTP;
            case "jupyter" -> AppKind.JUPYTER;
            case "terminal" -> AppKind.TERMINAL;
            default -> throw BadRequest.field(field, quote(value) + " (expected: http, jupyter or terminal)");
        };
    }

    static String quote(String value) {
        return "'" + truncate(value).replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }

    private static String truncate(String value) {
        return value.length() > 64 ? value.substring(0, 64) + "..." : value;
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
