package dev.portcullis.tunnel;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

/**
 * The headers of the tunnel protocol (docs/ARCHITECTURE.md, "Tunnel protocol").
 *
 * <p>A request stream's HEADERS carry the user's request as HTTP/2 pseudo-headers plus the user's end-to-end headers
 * (never connection-specific ones), and these, which the agent consumes and never forwards:
 * <ul>
 *   <li>{@code portcullis-session}, {@code portcullis-app}, {@code portcullis-port}: the target. The agent connects
 *       only if its own table has exactly that app on that port; otherwise it answers {@code 502} with
 *       {@code portcullis-error: target-refused}.
 *   <li>{@code portcullis-upgrade: <protocol>}: the user asked for an HTTP/1.1 upgrade (e.g. {@code websocket}).
 *       HTTP/2 forbids {@code Connection} and {@code Upgrade}, so the agent re-creates them toward the app.
 * </ul>
 *
 * <p>A response stream's HEADERS carry the app's status and end-to-end headers, plus:
 * <ul>
 *   <li>{@code portcullis-status: 101}: the app switched protocols. {@code :status} is then {@code 200} (HTTP/2 has
 *       no 101) and from here on DATA frames in both directions are the raw bytes of the upgraded connection;
 *       END_STREAM is a half-close, RST_STREAM an abort.
 *   <li>{@code portcullis-error: <token>}: the agent could not reach the app (see {@link TunnelErrorCode#token()}); the
 *       response is synthetic and has no body.
 * </ul>
 */
public final class TunnelHeaders {
    public static final AsciiString SESSION = AsciiString.cached("portcullis-session");
    public static final AsciiString APP = AsciiString.cached("portcullis-app");
    public static final AsciiString PORT = AsciiString.cached("portcullis-port");
    public static final AsciiString UPGRADE = AsciiString.cached("portcullis-upgrade");
    public static final AsciiString STATUS = AsciiString.cached("portcullis-status");
    public static final AsciiString ERROR = AsciiString.cached("portcullis-error");

    private TunnelHeaders() {}

    /**
     * Starts a request stream's headers. The caller adds the user's end-to-end headers (lower-case names, no
     * connection-specific headers) to the returned object.
     *
     * @param pathAndQuery the normalised request-target the app will see, starting with '/'
     * @param authority the Host the app will see
     * @param upgrade the protocol of an upgrade request (e.g. {@code "websocket"}), or {@code null}
     */
    public static Http2Headers request(
            String method,
            String pathAndQuery,
            String scheme,
            String authority,
            String session,
            String app,
            int port,
            String upgrade) {
        Http2Headers h = new DefaultHttp2Headers()
                .method(method)
                .path(pathAndQuery)
                .scheme(scheme)
                .authority(authority);
        h.set(SESSION, session);
        h.set(APP, app);
        h.setInt(PORT, port);
        if (upgrade != null) {
            h.set(UPGRADE, upgrade);
        }
        return h;
    }
}
