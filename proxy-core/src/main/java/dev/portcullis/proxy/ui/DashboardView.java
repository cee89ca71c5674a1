package dev.portcullis.proxy.ui;

import static dev.portcullis.proxy.error.ErrorPages.escapeHtml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.registry.AppKind;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionRecord;
import java.util.List;
import java.util.Map;

/**
 * Renders a user's sessions, each app with its {@link AppState} and an Open button (a same-origin POST form carrying
 * the CSRF token; disabled only when the agent is offline: a starting app's Open leads to the starting page, which
 * waits for it), as the HTML fragment of the dashboard page or as JSON. Every value is escaped; element ids are
 * stable for tests and screenshots: {@code session-<sid>}, {@code app-<sid>-<app>}, {@code open-<sid>-<app>},
 * {@code no-sessions}. Stateless.
 */
final class DashboardView {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<AppKind, String> KIND_LABELS =
            Map.of(AppKind.HTTP, "Web app", AppKind.JUPYTER, "Jupyter", AppKind.TERMINAL, "Terminal");

    /** One session as shown: the record and the state of each of its apps, by app name. */
    record Row(SessionRecord session, Map<String, AppState> states) {
        Row {
            states = Map.copyOf(states);
        }

        /** The app's state; an app without one (a wiring bug) is shown offline. */
        AppState state(AppSpec app) {
            return states.getOrDefault(app.name(), AppState.OFFLINE);
        }
    }

    private DashboardView() {}

    static String html(List<Row> rows, String csrf) {
        if (rows.isEmpty()) {
            return "<p class=\"empty\" id=\"no-sessions\">You have no sessions right now. Start one from the service "
                    + "you use to run notebooks and terminals; it appears here.</p>";
        }
        StringBuilder b = new StringBuilder(1024);
        for (Row row : rows) {
            String sid = escapeHtml(row.session().id().value());
            b.append("<section class=\"session\" id=\"session-").append(sid).append("\" aria-labelledby=\"session-")
                    .append(sid).append("-title\">\n<h2 id=\"session-").append(sid).append("-title\">Session <code>")
                    .append(sid).append("</code></h2>\n");
            if (row.session().apps().isEmpty()) {
                b.append("<p class=\"muted\">This session has no apps.</p>\n");
            } else {
                b.append("<ul class=\"apps\">\n");
                for (AppSpec app : row.session().apps()) {
                    appItem(b, sid, app, row.state(app), csrf);
                }
                b.append("</ul>\n");
            }
            b.append("</section>\n");
        }
        return b.toString();
    }

    private static void appItem(StringBuilder b, String sid, AppSpec app, AppState state, String csrf) {
        String name = escapeHtml(app.name());
        String id = sid + "-" + name;
        b.append("<li id=\"app-").append(id).append("\" data-state=\"").append(state.code()).append("\">")
                .append("<span class=\"name\">").append(name).append("</span>")
                .append("<span class=\"kind\">").append(kindLabel(app.kind())).append("</span>")
                .append("<span class=\"badge ").append(state.code()).append("\" id=\"state-").append(id).append("\">")
                .append(state.label()).append("</span>")
                .append("<form class=\"inline open\" method=\"post\" action=\"/.portcullis/open\">")
                .append("<input type=\"hidden\" name=\"csrf\" value=\"").append(escapeHtml(csrf)).append("\">")
                .append("<input type=\"hidden\" name=\"session\" value=\"").append(sid).append("\">")
                .append("<input type=\"hidden\" name=\"app\" value=\"").append(name).append("\">")
                .append("<button type=\"submit\" id=\"open-").append(id).append("\" aria-label=\"Open ").append(name)
                .append(" in session ").append(sid).append("\"")
                .append(state == AppState.OFFLINE ? " disabled" : "").append(">Open</button></form></li>\n");
    }

    static String json(String user, List<Row> rows) {
        ObjectNode root = JSON.createObjectNode();
        root.put("user", user);
        ArrayNode sessions = root.putArray("sessions");
        for (Row row : rows) {
            ObjectNode s = sessions.addObject();
            s.put("id", row.session().id().value());
            ArrayNode apps = s.putArray("apps");
            for (AppSpec app : row.session().apps()) {
                apps.addObject()
                        .put("name", app.name())
                        .put("kind", app.kind().name().toLowerCase(java.util.Locale.ROOT))
                        .put("state", row.state(app).code());
            }
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing the sessions JSON", e);
        }
    }

    private static String kindLabel(AppKind kind) {
        return KIND_LABELS.getOrDefault(kind, kind.name());
    }
}
