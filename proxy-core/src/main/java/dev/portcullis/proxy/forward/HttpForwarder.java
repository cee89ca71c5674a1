package dev.portcullis.proxy.forward;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import dev.portcullis.tunnel.Tunnel;
import dev.portcullis.tunnel.TunnelStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
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

    /** @param tunnels the least-loaded active tunnel of an agent id (e.g. {@code tunnelServer::tunnel}) */
    public HttpForwarder(Function<String, Optional<Tunnel>> tunnels, ErrorPages errorPages) {
        this.tunnels = requireNonNull(tunnels, "tunnels");
        this.errorPages = requireNonNull(errorPages, "errorPages");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!exchange.isInIoThread()) {
            exchange.dispatch(exchange.getIoThread(), this);
            return;
        }
        Admission admission = Admission.of(exchange);
        Optional<Tunnel> tunnel = tunnels.apply(admission.session().agentId());
        if (tunnel.isEmpty()) {
            errorPages.send(exchange, ProxyError.AGENT_OFFLINE, "no tunnel of agent " + admission.session().agentId());
            return;
        }
        // Decide before stripping hop-by-hop headers: Transfer-Encoding is one of them.
        boolean hasBody = TunnelRequests.hasBody(exchange);
        boolean expectContinue = io.undertow.server.protocol.http.HttpContinue.requiresContinueResponse(exchange);
        // Streams, never buffers: lift Undertow's default entity-size cap (2 MiB) for proxied bodies.
        exchange.setMaxEntitySize(Long.MAX_VALUE);
        HopByHopHeaders.strip(exchange.getRequestHeaders());
        Http2Headers headers = TunnelRequests.requestHeaders(exchange, admission, null);
        HttpExchangeRelay relay = new HttpExchangeRelay(exchange, errorPages, hasBody, expectContinue);
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> tunnel.get()
                .openStream(headers, !hasBody, relay)
                .whenComplete((TunnelStream stream, Throwable failure) -> relay.opened(stream, failure)));
    }
}
