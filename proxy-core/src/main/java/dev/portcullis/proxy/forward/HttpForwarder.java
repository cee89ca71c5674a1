package dev.portcullis.proxy.forward;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import dev.portcullis.proxy.live.Credential;
import dev.portcullis.proxy.live.LiveConnection;
import dev.portcullis.proxy.live.LiveConnections;
import dev.portcullis.tunnel.Tunnel;
import dev.portcullis.tunnel.TunnelStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.util.Optional;
import java.util.function.Function;

/**
 * Forwards one admitted HTTP exchange through a tunnel stream to the app: request head and body client-to-proxy-to-agent,
 * response agent-to-proxy-to-client, streaming both ways with back-pressure (see {@link HttpExchangeRelay}). The model
 * for dispatch and async completion is Undertow's own ProxyHandler.
 *
 * <p>Runs on the exchange's XNIO I/O thread. Thread-safe and stateless across exchanges.
 */
public final class HttpForwarder implements HttpHandler {
    private final Function<String, Optional<Tunnel>> tunnels;
    private final ErrorPages errorPages;
    private final LiveConnections live;

    /**
     * @param tunnels the least-loaded active tunnel of an agent id (e.g. {@code tunnelServer::tunnel})
     * @param live where every forwarded exchange is registered while it lasts
     */
    public HttpForwarder(Function<String, Optional<Tunnel>> tunnels, ErrorPages errorPages, LiveConnections live) {
        this.tunnels = requireNonNull(tunnels, "tunnels");
        this.errorPages = requireNonNull(errorPages, "errorPages");
        this.live = requireNonNull(live, "live");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!exchange.isInIoThread()) {
            exchange.dispatch(exchange.getIoThread(), this);
            return;
        }
        forward(exchange, null);
    }

    /**
     * Forwards the exchange; with {@code upgrade} (e.g. "websocket"), as an upgrade request whose stream carries raw
     * bytes after the app's 101. I/O thread only.
     */
    void forward(HttpServerExchange exchange, String upgrade) {
        Admission admission = Admission.of(exchange);
        Optional<Tunnel> tunnel = tunnels.apply(admission.session().agentId());
        if (tunnel.isEmpty()) {
            errorPages.send(exchange, ProxyError.AGENT_OFFLINE, "no tunnel of agent " + admission.session().agentId());
            return;
        }
        // Decide before stripping hop-by-hop headers: Transfer-Encoding is one of them.
        boolean hasBody = upgrade == null && TunnelRequests.hasBody(exchange);
        boolean expectContinue = io.undertow.server.protocol.http.HttpContinue.requiresContinueResponse(exchange);
        // Streams, never buffers: lift Undertow's default entity-size cap (2 MiB) for proxied bodies.
        exchange.setMaxEntitySize(Long.MAX_VALUE);
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        // Connection-named headers go BEFORE the proxy sets its own (SECURITY row 12).
        HopByHopHeaders.strip(exchange.getRequestHeaders());
        if (expectContinue) {
            // Undertow's own 100 Continue needs it; TunnelRequests never forwards it (hop-by-hop for us).
            exchange.getRequestHeaders().put(Headers.EXPECT, "100-continue");
        }
        ForwardedHeaders.apply(exchange.getRequestHeaders(), clientIp(exchange), exchange.getRequestScheme(),
                host == null ? "" : host);
        Http2Headers headers = TunnelRequests.requestHeaders(exchange, admission, upgrade);
        HttpExchangeRelay relay = new HttpExchangeRelay(exchange, errorPages, hasBody, expectContinue, upgrade != null,
                register(exchange, admission, upgrade != null));
        // An upgrade stream stays open toward the agent: raw bytes follow the 101.
        boolean endOfStream = !hasBody && upgrade == null;
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> tunnel.get()
                .openStream(headers, endOfStream, relay)
                .whenComplete((TunnelStream stream, Throwable failure) -> relay.opened(stream, failure)));
    }

    private LiveConnection register(HttpServerExchange exchange, Admission admission, boolean webSocket) {
        Credential credential = Credential.of(exchange);
        return live.register(webSocket ? LiveConnection.Kind.WEBSOCKET : LiveConnection.Kind.HTTP,
                credential == null ? admission.session().owner() : credential.subject(), admission.session().id(),
                admission.app().name(), exchange.getSourceAddress(), credential, exchange.getIoThread());
    }

    private static String clientIp(HttpServerExchange exchange) {
        var address = exchange.getSourceAddress();
        return address == null || address.getAddress() == null ? "unknown" : address.getAddress().getHostAddress();
    }
}
