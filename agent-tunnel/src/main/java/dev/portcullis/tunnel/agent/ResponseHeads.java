package dev.portcullis.tunnel.agent;

import dev.portcullis.tunnel.TunnelErrorCode;
import dev.portcullis.tunnel.TunnelHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Builds the HTTP/2 response heads the agent sends: the app's (cleaned) or a synthetic error. */
final class ResponseHeads {
    private ResponseHeads() {}

    /** A synthetic response head for a failure before the app answered; no body follows. */
    static Http2Headers error(int status, TunnelErrorCode code) {
        Http2Headers h = new DefaultHttp2Headers().status(AsciiString.of(Integer.toString(status)));
        h.set(TunnelHeaders.ERROR, code.token());
        return h;
    }

    /**
     * The app's response head as HTTP/2: status and end-to-end headers; connection-specific headers (and those named
     * in Connection) are dropped, and so is any {@code portcullis-*} header, which only the agent may set.
     *
     * @param switched the app answered 101 to an upgrade: send {@code :status 200} + {@code portcullis-status: 101}
     */
    static Http2Headers fromApp(HttpResponse res, boolean switched) {
        HttpHeaders in = res.headers();
        // Most responses name nothing in Connection: then the fixed set serves, with no copy per response.
        Set<String> drop = RequestHead.HOP_BY_HOP;
        for (String connection : in.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : connection.split(",")) {
                String name = token.trim().toLowerCase(Locale.ROOT);
                if (!drop.contains(name)) {
                    drop = drop == RequestHead.HOP_BY_HOP ? new HashSet<>(drop) : drop;
                    drop.add(name);
                }
            }
        }
        Http2Headers out = new DefaultHttp2Headers();
        if (switched) {
            out.status(AsciiString.of("200"));
            out.set(TunnelHeaders.STATUS, "101");
        } else {
            out.status(AsciiString.of(Integer.toString(res.status().code())));
        }
        for (Map.Entry<String, String> e : in) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (drop.contains(name) || name.startsWith("portcullis-") || !RequestHead.isToken(name)) {
                continue;
            }
            out.add(AsciiString.of(name), e.getValue());
        }
        return out;
    }

    /** HTTP/1.1 trailers as an HTTP/2 trailing HEADERS block (names lower-cased, {@code portcullis-*} dropped). */
    static Http2Headers trailers(HttpHeaders in) {
        Http2Headers out = new DefaultHttp2Headers();
        for (Map.Entry<String, String> e : in) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!name.startsWith("portcullis-") && RequestHead.isToken(name)) {
                out.add(AsciiString.of(name), e.getValue());
            }
        }
        return out;
    }
}
