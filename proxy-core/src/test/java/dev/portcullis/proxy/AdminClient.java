package dev.portcullis.proxy;

import java.io.IOException;
import java.util.function.Function;
import java.util.function.Supplier;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** Calls a node's admin API as an operator would, with a bearer admin token; answers status, headers and body. */
final class AdminClient {
    private static final MediaType JSON = MediaType.get("application/json");

    /** What came back. */
    record Answer(int status, String body, String cacheControl, String contentType) {}

    private final OkHttpClient http;
    private final Function<String, String> url;
    private final Supplier<String> token;

    AdminClient(OkHttpClient http, Function<String, String> url, Supplier<String> token) {
        this.http = http;
        this.url = url;
        this.token = token;
    }

    static AdminClient of(ProxyTestKit kit) {
        return new AdminClient(kit.http, kit::adminUrl, kit::adminToken);
    }

    Answer get(String path) throws IOException {
        return call(new Request.Builder().url(url.apply(path)).get());
    }

    Answer put(String path, String json) throws IOException {
        return call(new Request.Builder().url(url.apply(path)).put(RequestBody.create(json, JSON)));
    }

    Answer post(String path, String json) throws IOException {
        return call(new Request.Builder().url(url.apply(path)).post(RequestBody.create(json, JSON)));
    }

    Answer delete(String path) throws IOException {
        return call(new Request.Builder().url(url.apply(path)).delete());
    }

    /** The request as given, with this client's admin token. */
    Answer call(Request.Builder request) throws IOException {
        return send(request.header("Authorization", "Bearer " + token.get()));
    }

    /** The request exactly as given (no token added). */
    Answer send(Request.Builder request) throws IOException {
        try (Response r = http.newCall(request.build()).execute()) {
            return new Answer(r.code(), r.body().string(), r.header("Cache-Control"), r.header("Content-Type"));
        }
    }
}
