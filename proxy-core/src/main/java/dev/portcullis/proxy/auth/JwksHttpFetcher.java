package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * Fetches a JWKS document over HTTP(S) with OkHttp: short timeouts, no redirect between https and http, a body of at
 * most {@link KeySet#MAX_JWKS_BYTES} (read no further than that, whatever Content-Length says), status 200 only.
 * Blocking: called only on {@link JwksKeySource}'s refresh thread or at startup. Thread-safe.
 */
final class JwksHttpFetcher implements JwksKeySource.Fetcher {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpUrl url;
    private final OkHttpClient client;

    JwksHttpFetcher(URI uri) {
        this.url = checkUrl(requireNonNull(uri, "uri"));
        this.client = new OkHttpClient.Builder()
                .connectTimeout(TIMEOUT)
                .readTimeout(TIMEOUT)
                .callTimeout(TIMEOUT.multipliedBy(2))
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .build();
    }

    /** https anywhere; http only to a loopback address (a sidecar, a test), never across a network. */
    static HttpUrl checkUrl(URI uri) {
        HttpUrl url = HttpUrl.parse(uri.toString());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (url == null || !(scheme.equals("https") || scheme.equals("http") && isLoopback(url.host()))) {
            throw new IllegalArgumentException("jwks-url: " + uri + " (expected: https://..., or http:// to a loopback"
                    + " address)");
        }
        return url;
    }

    private static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // never resolve a name here: only literal addresses count
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String fetch() throws IOException {
        Request request = new Request.Builder().url(url).header("Accept", "application/json").build();
        try (Response response = client.newCall(request).execute()) {
            if (response.code() != 200) {
                throw new IOException("HTTP " + response.code() + " from " + url);
            }
            ResponseBody body = response.body();
            if (body.contentLength() > KeySet.MAX_JWKS_BYTES) {
                throw new IOException("Content-Length " + body.contentLength() + " (expected: <= " + KeySet.MAX_JWKS_BYTES + ")");
            }
            BufferedSource source = body.source();
            if (source.request(KeySet.MAX_JWKS_BYTES + 1L)) {
                throw new IOException("body larger than " + KeySet.MAX_JWKS_BYTES + " bytes");
            }
            return source.getBuffer().readString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
