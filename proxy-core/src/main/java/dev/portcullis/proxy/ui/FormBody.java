package dev.portcullis.proxy.ui;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Reads the small {@code application/x-www-form-urlencoded} body of a dashboard form (at most {@link #MAX_BYTES},
 * enforced by Undertow while reading), then hands the fields to a worker thread. A field given twice, a malformed
 * escape or another content type is a bad request. Stateless.
 */
final class FormBody {
    static final int MAX_BYTES = 2048;

    private FormBody() {}

    /**
     * Reads the body without blocking; {@code onFields} then runs on a worker thread with the fields, or
     * {@code onBad} with a reason (no values in it) if the body is not a small, well-formed form.
     */
    static void read(HttpServerExchange exchange, Consumer<Map<String, String>> onFields, BiConsumer<HttpServerExchange, String> onBad) {
        String type = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            onBad.accept(exchange, "content type is not application/x-www-form-urlencoded");
            return;
        }
        exchange.setMaxEntitySize(MAX_BYTES);
        // dispatch(HttpHandler) runs the task as a root handler: an unexpected exception still ends the exchange.
        exchange.getRequestReceiver().receiveFullString(
                (ex, body) -> ex.dispatch((HttpHandler) e -> {
                    Optional<Map<String, String>> fields = parse(body);
                    if (fields.isPresent()) {
                        onFields.accept(fields.get());
                    } else {
                        onBad.accept(e, "malformed form body");
                    }
                }),
                (ex, error) -> ex.dispatch((HttpHandler) e ->
                        onBad.accept(e, "form body unreadable or larger than " + MAX_BYTES + " bytes")),
                StandardCharsets.UTF_8);
    }

    /** The fields of {@code body}, or empty if a field repeats or an escape is malformed. */
    static Optional<Map<String, String>> parse(String body) {
        Map<String, String> fields = new HashMap<>();
        if (body.isEmpty()) {
            return Optional.of(fields);
        }
        try {
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (fields.put(name, value) != null) {
                    return Optional.empty();
                }
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(fields);
    }
}
