package dev.portcullis.proxy.forward;

import static java.util.Objects.requireNonNull;

import dev.portcullis.tunnel.Tunnel;
import dev.portcullis.tunnel.TunnelErrorCode;
import dev.portcullis.tunnel.TunnelHeaders;
import dev.portcullis.tunnel.TunnelStreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Whether an admitted session's app answers, asked through the tunnel as a user request would go: a {@code HEAD} of
 * the app's base path on a fresh stream. Any HTTP answer of the app means {@link State#READY}; the agent's synthetic
 * {@code portcullis-error} (refused, timed out) or no answer within the timeout means {@link State#STARTING}; no
 * tunnel of the session's agent on this node means {@link State#AGENT_OFFLINE}. A body, if any, is discarded and the
 * stream reset at once.
 *
 * <p>Thread-safe and stateless across probes; never blocks (the result completes on a tunnel event loop, or the JDK's
 * delayer thread on timeout).
 */
public final class AppProbe {
    /** What the status endpoint reports. */
    public enum State {
        READY,
        STARTING,
        AGENT_OFFLINE;

        /** The JSON value: {@code ready}, {@code starting}, {@code agent-offline}. */
        public String json() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Function<String, Optional<Tunnel>> tunnels;
    private final Duration timeout;

    /** @param tunnels the least-loaded active tunnel of an agent id (e.g. {@code tunnelServer::tunnel}) */
    public AppProbe(Function<String, Optional<Tunnel>> tunnels, Duration timeout) {
        this.tunnels = requireNonNull(tunnels, "tunnels");
        this.timeout = requireNonNull(timeout, "timeout");
    }

    /**
     * Probes the admitted app.
     *
     * @param authority the Host the app would see (the client's)
     */
    public CompletableFuture<State> probe(Admission admission, String scheme, String authority) {
        Optional<Tunnel> tunnel = tunnels.apply(admission.session().agentId());
        if (tunnel.isEmpty()) {
            return CompletableFuture.completedFuture(State.AGENT_OFFLINE);
        }
        Http2Headers headers = TunnelHeaders.request("HEAD", admission.route().prefix(), scheme, authority,
                admission.session().id().value(), admission.app().name(), admission.app().port(), null);
        headers.set("user-agent", "portcullis-probe");
        Listener listener = new Listener();
        CompletableFuture<State> result = listener.result;
        result.completeOnTimeout(State.STARTING, timeout.toMillis(), TimeUnit.MILLISECONDS);
        tunnel.get().openStream(headers, true, listener).whenComplete((stream, failure) -> {
            if (failure != null) {
                result.complete(State.STARTING);
                return;
            }
            // Whatever completes the result (answer, reset, timeout), the stream is not needed any more.
            result.whenComplete((state, ignored) -> stream.reset(TunnelErrorCode.CANCEL));
            stream.request();
        });
        return result;
    }

    /** Events arrive on the tunnel's event loop, and only after {@code request()}. */
    private static final class Listener implements TunnelStreamListener {
        final CompletableFuture<State> result = new CompletableFuture<>();

        @Override
        public void onHeaders(Http2Headers headers, boolean endOfStream) {
            result.complete(headers.contains(TunnelHeaders.ERROR) ? State.STARTING : State.READY);
        }

        @Override
        public void onData(ByteBuf data, boolean endOfStream) {
            data.release();
        }

        @Override
        public void onWritabilityChanged(boolean writable) {}

        @Override
        public void onReset(TunnelErrorCode code) {
            result.complete(code == TunnelErrorCode.TUNNEL_CLOSED ? State.AGENT_OFFLINE : State.STARTING);
        }
    }
}
