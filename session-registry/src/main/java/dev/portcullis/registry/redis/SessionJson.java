package dev.portcullis.registry.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.registry.AppKind;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.RegistryException;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of a {@link SessionRecord}: {@code {"id":..,"owner":..,"agentId":..,"apps":[{"name":..,"port":..,
 * "kind":..}]}}. Written field by field (not by reflection) so that the stored format is explicit and stable.
 * Thread-safe: {@link ObjectMapper} is after configuration.
 */
final class SessionJson {
    private final ObjectMapper mapper = new ObjectMapper();

    String write(SessionRecord session) {
        ObjectNode root = mapper.createObjectNode();
        root.put("id", session.id().value());
        root.put("owner", session.owner());
        root.put("agentId", session.agentId());
        ArrayNode apps = root.putArray("apps");
        for (AppSpec app : session.apps()) {
            apps.addObject().put("name", app.name()).put("port", app.port()).put("kind", app.kind().name());
        }
        return root.toString();
    }

    /**
     * Parses the value stored under {@code key}. Throws {@link RegistryException} naming the key (never the value,
     * which may be large or hostile) if it is not a valid session, or not the session the key says.
     */
    SessionRecord read(String key, String json) {
        try {
            JsonNode root = mapper.readTree(json);
            if (root == null || !root.isObject()) {
                throw new Invalid("not a JSON object");
            }
            List<AppSpec> apps = new ArrayList<>();
            JsonNode appsNode = root.path("apps");
            if (!appsNode.isArray()) {
                throw new Invalid("apps: not an array");
            }
            for (JsonNode app : appsNode) {
                JsonNode port = app.path("port");
                if (!port.isInt()) {
                    throw new Invalid("app port: not an integer");
                }
                apps.add(new AppSpec(text(app, "name"), port.intValue(), kind(text(app, "kind"))));
            }
            SessionRecord session =
                    new SessionRecord(new SessionId(text(root, "id")), text(root, "owner"), text(root, "agentId"), apps);
            if (!key.endsWith(":" + session.id().value())) {
                throw new Invalid("id " + session.id() + " does not match the key");
            }
            return session;
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the input: name only where it broke.
            String where = e.getLocation() == null
                    ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new RegistryException("redis key " + key + ": stored value is not valid JSON" + where);
        } catch (Invalid e) {
            throw new RegistryException("redis key " + key + ": stored value is not a valid session (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            // The records' messages quote the bad value (an owner may be an e-mail address): keep only the field.
            String message = String.valueOf(e.getMessage());
            String field = message.contains(":") ? message.substring(0, message.indexOf(':')) : "a field";
            throw new RegistryException("redis key " + key + ": stored value is not a valid session (bad " + field + ")");
        }
    }

    /** A structural problem found here; its message names a field, never a value. */
    private static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private static AppKind kind(String name) throws Invalid {
        for (AppKind kind : AppKind.values()) {
            if (kind.name().equals(name)) {
                return kind;
            }
        }
        throw new Invalid("app kind: unknown");
    }

    private static String text(JsonNode node, String field) throws Invalid {
        JsonNode value = node.path(field);
        if (!value.isTextual()) {
            throw new Invalid(field + ": missing or not a string");
        }
        return value.textValue();
    }
}
