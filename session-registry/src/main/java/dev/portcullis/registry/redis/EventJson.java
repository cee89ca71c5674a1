package dev.portcullis.registry.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.registry.RegistryEvent;
import dev.portcullis.registry.Revocation;
import dev.portcullis.registry.SessionId;
import java.time.Instant;
import java.util.Locale;

/**
 * The wire form of a {@link RegistryEvent} on the Redis channel, written field by field:
 * <ul>
 *   <li>{@code {"type":"revoked","kind":"token|user|session","target":..,"at":<ms>,"until":<ms>}}
 *   <li>{@code {"type":"kick","target":"connection|session|user","id":..[,"app":..]}}
 *   <li>{@code {"type":"session-removed","session":..}}
 * </ul>
 * Thread-safe.
 */
final class EventJson {
    private static final int MAX_MESSAGE = 4096;
    private final ObjectMapper mapper = new ObjectMapper();

    String write(RegistryEvent event) {
        ObjectNode root = mapper.createObjectNode();
        if (event instanceof RegistryEvent.Revoked revoked) {
            Revocation r = revoked.revocation();
            root.put("type", "revoked").put("kind", lower(r.kind().name())).put("target", r.target())
                    .put("at", r.at().toEpochMilli()).put("until", r.until().toEpochMilli());
        } else if (event instanceof RegistryEvent.Kick kick) {
            root.put("type", "kick").put("target", lower(kick.target().name())).put("id", kick.id());
            if (kick.app() != null) {
                root.put("app", kick.app());
            }
        } else if (event instanceof RegistryEvent.SessionRemoved removed) {
            root.put("type", "session-removed").put("session", removed.session().value());
        } else {
            throw new IllegalArgumentException("event: " + event.getClass().getSimpleName() + " is local only");
        }
        return root.toString();
    }

    /** Parses a message; throws {@link IllegalArgumentException} naming the field (never quoting the message). */
    RegistryEvent read(String json) {
        if (json.length() > MAX_MESSAGE) {
            throw new IllegalArgumentException("message longer than " + MAX_MESSAGE + " characters");
        }
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String type = text(root, "type");
        return switch (type) {
            case "revoked" -> new RegistryEvent.Revoked(new Revocation(
                    Revocation.Kind.valueOf(upper(text(root, "kind"))), text(root, "target"),
                    Instant.ofEpochMilli(number(root, "at")), Instant.ofEpochMilli(number(root, "until"))));
            case "kick" -> new RegistryEvent.Kick(RegistryEvent.Kick.Target.valueOf(upper(text(root, "target"))),
                    text(root, "id"), root.path("app").isTextual() ? root.path("app").textValue() : null);
            case "session-removed" -> new RegistryEvent.SessionRemoved(new SessionId(text(root, "session")));
            default -> throw new IllegalArgumentException("type: unknown");
        };
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (!v.isTextual()) {
            throw new IllegalArgumentException(field + ": missing or not a string");
        }
        return v.textValue();
    }

    private static long number(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (!v.canConvertToExactIntegral() || !v.canConvertToLong()) {
            throw new IllegalArgumentException(field + ": missing or not an integer");
        }
        return v.longValue();
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }
}
