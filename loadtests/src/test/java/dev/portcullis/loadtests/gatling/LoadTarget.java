package dev.portcullis.loadtests.gatling;

import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What every simulation hits, from system properties (mvn passes {@code -D...} through to Gatling):
 * <ul>
 *   <li>{@code portcullis.url}: the app's base URL through the proxy, e.g. {@code http://127.0.0.1:8080/s/demo/web/}
 *       (path mode) or {@code http://demo-web.apps.example:8080/} (subdomain mode); default the demo's on port 8080;
 *   <li>{@code portcullis.token} or {@code portcullis.tokenFile}: an access token, sent as
 *       {@code Authorization: Bearer} on every request and WebSocket upgrade (neither: no credential, e.g. to hit an
 *       app directly);
 *   <li>{@code portcullis.maxErrorPercent}, {@code portcullis.maxP99Ms}: the pass/fail goals (each simulation has its
 *       own defaults).
 * </ul>
 * Read once, when the simulation is built (on Gatling's main thread, before any load).
 */
final class LoadTarget {
    private LoadTarget() {}

    /** The base URL without a trailing slash; paths below start with one. */
    static String baseUrl() {
        String url = System.getProperty("portcullis.url", "http://127.0.0.1:8080/s/demo/web/");
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new IllegalArgumentException("portcullis.url: " + url + " (expected: an http:// or https:// URL)");
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The access token, or null when none is configured. Never logged. */
    static String token() {
        String token = System.getProperty("portcullis.token");
        String file = System.getProperty("portcullis.tokenFile");
        if (token != null && file != null) {
            throw new IllegalArgumentException("portcullis.token and portcullis.tokenFile: give one, not both");
        }
        if (file != null) {
            try {
                token = Files.readString(Path.of(file), StandardCharsets.US_ASCII).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("portcullis.tokenFile: " + file + ": cannot read", e);
            }
            if (token.isEmpty()) {
                throw new IllegalArgumentException("portcullis.tokenFile: " + file + " is empty");
            }
        }
        return token == null || token.isBlank() ? null : token.trim();
    }

    /** HTTP and WebSocket protocol for {@link #baseUrl()}, with the bearer token when there is one. */
    static HttpProtocolBuilder protocol() {
        String base = baseUrl();
        HttpProtocolBuilder p = http.baseUrl(base)
                .wsBaseUrl(base.replaceFirst("^http", "ws"))
                .acceptHeader("text/html,application/json;q=0.9,*/*;q=0.8")
                .userAgentHeader("portcullis-loadtests (Gatling)");
        String token = token();
        return token == null ? p : p.authorizationHeader("Bearer " + token);
    }

    /** A path under the base URL, from {@code portcullis.<name>}; always starts with {@code /}. */
    static String path(String name, String fallback) {
        String p = string(name, fallback);
        return p.startsWith("/") ? p : "/" + p;
    }

    static String string(String name, String fallback) {
        return System.getProperty("portcullis." + name, fallback);
    }

    static int integer(String name, int fallback) {
        String v = System.getProperty("portcullis." + name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0) {
                throw new IllegalArgumentException("portcullis." + name + ": " + v + " (expected: >= 0)");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("portcullis." + name + ": " + v + " (expected: an integer)", e);
        }
    }

    /** The run's goals: failed requests at most {@code maxErrorPercent}, p99 of every request under {@code maxP99Ms}. */
    static List<Assertion> goals(double maxErrorPercent, int maxP99Ms) {
        double errors = Double.parseDouble(string("maxErrorPercent", Double.toString(maxErrorPercent)));
        int p99 = integer("maxP99Ms", maxP99Ms);
        return List.of(
                global().failedRequests().percent().lte(errors),
                global().responseTime().percentile(99.0).lte(p99));
    }
}
