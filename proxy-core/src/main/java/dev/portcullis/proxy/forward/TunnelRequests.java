package dev.portcullis.proxy.forward;

import dev.portcullis.proxy.error.ProxyError;
import dev.portcullis.tunnel.TunnelErrorCode;
import dev.portcullis.tunnel.TunnelException;
import dev.portcullis.tunnel.TunnelHeaders;
import io.netty.handler.codec.http2.Http2Headers;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * Translation between the client's HTTP/1.1 exchange and a tunnel stream's HTTP/2 headers, shared by both forwarders.
 * Stateless; call on the exchange's thread.
 */
final class TunnelRequests {
    private TunnelRequests() {}

    /**
     * Builds the stream's request headers from the client's, which the caller has already cleaned by the gate
     * (credentials), {@link HopByHopHeaders} and {@link ForwardedHeaders}. The client's Host becomes
     * {@code :authority} (Jupyter compares Origin with Host); names are lower-cased for HTTP/2.
     */
    static Http2Headers requestHeaders(HttpServerExchange exchange, Admission admission, String upgrade) {
        String query = exchange.getQueryString();
        String pathAndQuery = admission.route().pathForApp() + (query.isEmpty() ? "" : "?" + query);
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        Http2Headers h = TunnelHeaders.request(
                exchange.getRequestMethod().toString(),
                pathAndQuery,
                exchange.getRequestScheme(),
                host == null ? "" : host,
                admission.session().id().value(),
                admission.app().name(),
                admission.app().port(),
                upgrade);
        for (HeaderValues values : exchange.getRequestHeaders()) {
            String name = values.getHeaderName().toString().toLowerCase(Locale.ROOT);
            if (name.equals("host") || HopByHopHeaders.isHopByHop(name) || name.startsWith("portcullis-")) {
                continue;
            }
            for (String v : values) {
                h.add(name, v);
            }
        }
        return h;
    }

    /** Copies an agent response's end-to-end headers to the client's response (no pseudo, no portcullis-*). */
    static void copyResponseHeaders(Http2Headers from, HeaderMap to) {
        for (Map.Entry<CharSequence, CharSequence> e : from) {
            String name = e.getKey().toString();
            if (name.startsWith(":") || name.startsWith("portcullis-") || HopByHopHeaders.isHopByHop(name)) {
                continue;
            }
            to.add(new HttpString(name), e.getValue().toString());
        }
    }

    /** The response's {@code :status} as a number, or -1 if it is missing or not a number. */
    static int statusOf(Http2Headers headers) {
        CharSequence status = headers.status();
        try {
            return status == null ? -1 : Integer.parseInt(status.toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The root cause of a failed stream open (futures wrap it in a CompletionException). */
    static Throwable openFailureCause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** What the user sees when opening a stream failed with {@code cause}. */
    static ProxyError errorForOpenFailure(Throwable cause) {
        return cause instanceof TunnelException te ? errorFor(te.code()) : ProxyError.TUNNEL_LOST;
    }

    static ProxyError errorFor(TunnelErrorCode code) {
        return switch (code) {
            case CONNECT_TIMEOUT, RESPONSE_TIMEOUT -> ProxyError.APP_TIMEOUT;
            case TUNNEL_CLOSED -> ProxyError.TUNNEL_LOST;
            case PROTOCOL_ERROR -> ProxyError.BAD_REQUEST;
            default -> ProxyError.APP_UNREACHABLE;
        };
    }

    /** Whether the client's request carries a body (RFC 9112 §6.3: Transfer-Encoding, or Content-Length > 0). */
    static boolean hasBody(HttpServerExchange exchange) {
        HeaderMap h = exchange.getRequestHeaders();
        if (h.contains(Headers.TRANSFER_ENCODING)) {
            return true;
        }
        String cl = h.getFirst(Headers.CONTENT_LENGTH);
        return cl != null && !cl.trim().equals("0");
    }
}
