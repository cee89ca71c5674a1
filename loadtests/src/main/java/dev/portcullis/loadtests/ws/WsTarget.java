package dev.portcullis.loadtests.ws;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Locale;

/**
 * Where the tool connects: a {@code ws://} URL (plain; the benchmark runs on loopback) and an optional bearer token (null: none)
 * sent as {@code Authorization: Bearer} on every upgrade request. Immutable.
 */
record WsTarget(URI uri, String token) {
    WsTarget {
        requireNonNull(uri, "uri");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws")) {
            throw new IllegalArgumentException("--url: " + uri + " (expected: a ws:// URL)");
        }
        if (uri.getHost() == null || uri.getPort() < 1) {
            throw new IllegalArgumentException("--url: " + uri + " (expected: ws://host:port/path)");
        }
    }

    String host() {
        return uri.getHost();
    }

    int port() {
        return uri.getPort();
    }
}
