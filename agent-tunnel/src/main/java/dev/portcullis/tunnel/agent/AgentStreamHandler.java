package dev.portcullis.tunnel.agent;

import dev.portcullis.tunnel.AppTable;
import dev.portcullis.tunnel.TunnelClientConfig;
import dev.portcullis.tunnel.TunnelErrorCode;
import dev.portcullis.tunnel.internal.ExpectedErrors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one tunnel stream on the agent: validates the request head, checks the {@link AppTable}, takes a keep-alive
 * connection to the app from the {@link AppConnectionPool} or connects (on this stream's event loop), and relays
 * HTTP/1.1 both ways, or raw bytes after a 101. The connection goes back to the pool only after a response that
 * ended cleanly with the whole request sent; an upgrade always gets a new connection of its own. A pooled connection
 * that the app closed before answering is replaced once, for bodiless idempotent requests only.
 *
 * <p>Back-pressure: the stream is read only while the app connection is writable, the app only while the stream is
 * writable; both run with AUTO_READ off and resume on writability changes. A response cut short is reset, never
 * ended cleanly. Event loop only (the stream's, which is also the app connection's).
 */
final class AgentStreamHandler extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(AgentStreamHandler.class);

    private enum State { AWAIT_HEADERS, CONNECTING, HTTP, UPGRADE_PENDING, UPGRADED, DONE }

    private final String logId;
    private final TunnelClientConfig config;
    private final RequestToApp request = new RequestToApp();
    private final AppConnectionPool pool;

    private ChannelHandlerContext stream;
    private Channel app;
    private AppConnectionHandler appHandler;
    private boolean reusedApp; // app came from the pool
    private boolean appSpoke; // app sent anything for this request
    private boolean requestHadBody;
    private boolean keepAlive; // the final response leaves the connection reusable
    private RequestHead head;
    private State state = State.AWAIT_HEADERS;
    private boolean streamInboundEnded; // the proxy's END_STREAM arrived
    private boolean appInputEnded; // upgraded: the app half-closed
    private boolean skippingInterim; // a 1xx head was skipped; its empty last content follows
    private final ResponseHeadWait headWait;

    AgentStreamHandler(String logId, TunnelClientConfig config, AppConnectionPool pool) {
        this.logId = logId;
        this.config = config;
        this.pool = pool;
        this.headWait = new ResponseHeadWait(config.settings().responseHeadTimeout(), this::responseTimedOut);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        stream = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.read(); // the request head
        super.channelActive(ctx);
    }

    // ---- proxy -> agent (stream inbound) ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean eos = (msg instanceof Http2HeadersFrame h && h.isEndStream())
                || (msg instanceof Http2DataFrame d && d.isEndStream());
        if (state == State.AWAIT_HEADERS && msg instanceof Http2HeadersFrame h) {
            streamInboundEnded = eos;
            onRequestHead(h.headers());
            return;
        }
        streamInboundEnded |= eos;
        if (state == State.DONE || request.ended()) {
            ReferenceCountUtil.release(msg); // draining after a response or refusal
            return;
        }
        request.add(msg);
        drainPending();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        maybeReadStream();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame rst) {
            logger.debug("{} reset by proxy ({})", logId, rst.errorCode());
            finish();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        maybeReadApp();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ExpectedErrors.log(logger, logId + " stream failed", cause);
        // A malformed stream from the proxy (e.g. more DATA than its content-length) is the peer's protocol error.
        abort(cause instanceof io.netty.handler.codec.http2.Http2Exception e
                && e.error() == io.netty.handler.codec.http2.Http2Error.PROTOCOL_ERROR
                ? TunnelErrorCode.PROTOCOL_ERROR : TunnelErrorCode.INTERNAL_ERROR);
    }

    private void onRequestHead(Http2Headers headers) {
        try {
            head = RequestHead.parse(headers);
        } catch (RequestHead.InvalidRequestException e) {
            logger.info("{} malformed request refused: {}", logId, e.getMessage());
            abort(TunnelErrorCode.PROTOCOL_ERROR);
            return;
        }
        AppTable apps = config.apps();
        if (!apps.allows(head.session(), head.app(), head.port())) {
            apps.recordRefused();
            logger.info("{} target refused: session {} app {} port {} is not registered on this node",
                    logId, head.session(), head.app(), head.port());
            respondError(502, TunnelErrorCode.TARGET_REFUSED);
            return;
        }
        state = State.CONNECTING;
        Channel pooled = head.upgrade() == null ? pool.poll(head.port()) : null;
        if (pooled != null) {
            reusedApp = true;
            appHandler = pooled.pipeline().get(AppConnectionHandler.class);
            appHandler.bind(this);
            onConnected(pooled.newSucceededFuture());
        } else {
            connect();
        }
    }

    private void connect() {
        appHandler = new AppConnectionHandler(this);
        AppConnections.connect(stream.channel().eventLoop(), config.settings(), config.appHost(), head.port(), appHandler)
                .addListener((ChannelFuture f) -> onConnected(f));
    }

    private void onConnected(ChannelFuture f) {
        if (state != State.CONNECTING) {
            f.channel().close();
            return;
        }
        if (!f.isSuccess()) {
            boolean timedOut = f.cause() instanceof ConnectTimeoutException;
            logger.info("{} app {}:{} {}", logId, config.appHost(), head.port(), timedOut ? "connect timed out" : "refused the connection");
            respondError(timedOut ? 504 : 502, timedOut ? TunnelErrorCode.CONNECT_TIMEOUT : TunnelErrorCode.CONNECT_REFUSED);
            return;
        }
        app = f.channel();
        boolean upgrade = head.upgrade() != null;
        boolean hasBody = !streamInboundEnded || !request.isEmpty();
        requestHadBody = hasBody;
        state = upgrade ? State.UPGRADE_PENDING : State.HTTP;
        app.write(head.toHttp1(hasBody && !upgrade));
        if (upgrade || !hasBody) {
            // An upgrade request has no body: bytes after the 101 are the new protocol's.
            app.write(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!upgrade) {
                request.markEnded();
            }
        }
        app.flush();
        if (upgrade || request.ended()) {
            headWait.start(app.eventLoop());
        }
        app.read();
        drainPending();
        maybeReadStream();
    }

    private void drainPending() {
        if (app == null || (state != State.HTTP && state != State.UPGRADED)) {
            return;
        }
        if (request.writeTo(app, state == State.UPGRADED)) {
            headWait.start(app.eventLoop()); // an app may answer only after the whole body: the wait starts here
            if (state == State.UPGRADED) {
                ((SocketChannel) app).shutdownOutput().addListener(x -> maybeFinishUpgraded());
            }
        }
    }

    private void maybeReadStream() {
        if (streamInboundEnded || !stream.channel().isActive()) {
            return;
        }
        boolean draining = state == State.DONE || request.ended();
        boolean relaying = (state == State.HTTP || state == State.UPGRADED) && app != null && app.isWritable()
                && request.isEmpty();
        if (draining || relaying) {
            stream.read();
        }
    }

    // ---- app -> agent (called by AppConnectionHandler) ----

    void appRead(Object msg) {
        if (state == State.DONE) {
            ReferenceCountUtil.release(msg);
            return;
        }
        appSpoke = true;
        if (msg instanceof HttpResponse res) {
            onAppHead(res);
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof HttpContent c) {
            onAppContent(c);
        } else if (msg instanceof ByteBuf raw && state == State.UPGRADED) {
            stream.write(new DefaultHttp2DataFrame(raw, false));
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onAppHead(HttpResponse res) {
        int code = res.status().code();
        if (res.decoderResult().isFailure()) {
            logger.info("{} malformed response head from the app: {}", logId, res.decoderResult().cause().toString());
            abort(TunnelErrorCode.PROTOCOL_ERROR);
        } else if (code == 101 && state == State.UPGRADE_PENDING) {
            headWait.headArrived();
            state = State.UPGRADED;
            skippingInterim = true; // the decoder ends the 101 with an empty last content
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(ResponseHeads.fromApp(res, true), false));
            ((SocketChannel) app).config().setAllowHalfClosure(true);
            // From here on the connection carries the upgraded protocol: raw bytes both ways.
            app.pipeline().remove(AppConnections.HTTP_CODEC);
            head = null; // nothing reads the request head after the 101: a held WebSocket keeps none of it
            drainPending();
            if (streamInboundEnded && !request.ended()) {
                // The proxy ended its direction with the upgrade request itself: half-close toward the app now.
                request.markEnded();
                ((SocketChannel) app).shutdownOutput().addListener(x -> maybeFinishUpgraded());
            }
            maybeReadStream();
        } else if (code == 101) {
            logger.info("{} app switched protocols without an upgrade request", logId);
            abort(TunnelErrorCode.PROTOCOL_ERROR);
        } else if (code < 200) {
            skippingInterim = true; // interim responses (100, 103) are not forwarded
        } else {
            headWait.headArrived();
            keepAlive = state == State.HTTP && head.upgrade() == null && AppConnectionPool.reusable(res, head.method());
            if (state == State.UPGRADE_PENDING) {
                state = State.HTTP; // upgrade declined: an ordinary response, never raw
                request.markEnded();
            }
            stream.write(new DefaultHttp2HeadersFrame(ResponseHeads.fromApp(res, false), false));
        }
    }

    private void onAppContent(HttpContent c) {
        if (skippingInterim || state == State.UPGRADED) {
            skippingInterim &= !(c instanceof LastHttpContent);
            c.release();
            return;
        }
        if (c.decoderResult().isFailure() || !headWait.arrived()) {
            c.release();
            logger.info("{} app response cut short or malformed: resetting the stream", logId);
            abort(TunnelErrorCode.CANCEL);
            return;
        }
        if (c instanceof LastHttpContent last) {
            if (last.trailingHeaders().isEmpty()) {
                stream.writeAndFlush(new DefaultHttp2DataFrame(last.content(), true));
            } else {
                stream.write(new DefaultHttp2DataFrame(last.content(), false));
                stream.writeAndFlush(new DefaultHttp2HeadersFrame(ResponseHeads.trailers(last.trailingHeaders()), true));
            }
            state = State.DONE;
            if (keepAlive && request.ended() && app.isActive()) {
                appHandler.unbind(); // complete both ways: the next request may use this connection
                Channel a = app;
                app = null;
                pool.release(a, head.port());
            } else {
                app.close();
            }
            maybeReadStream(); // drain whatever body the proxy still sends
        } else {
            stream.write(new DefaultHttp2DataFrame(c.content(), false));
        }
    }

    void appReadComplete() {
        stream.flush();
        maybeReadApp();
    }

    private void maybeReadApp() {
        if (app != null && app.isActive() && state != State.DONE && state != State.CONNECTING && !appInputEnded
                && stream.channel().isWritable()) {
            app.read();
        }
    }

    void appInputShutdown() {
        if (state == State.UPGRADED && !appInputEnded) {
            appInputEnded = true;
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
            maybeFinishUpgraded();
        }
    }

    void appWritabilityChanged() {
        maybeReadStream();
    }

    void appInactive() {
        if (state == State.DONE || retryOnNewConnection()) {
            return;
        }
        if (state == State.UPGRADED && appInputEnded && request.ended()) {
            finish();
            return;
        }
        logger.info("{} app closed the connection before the response was complete: resetting the stream", logId);
        abort(TunnelErrorCode.CANCEL);
    }

    void appFailed(Throwable cause) {
        ExpectedErrors.log(logger, logId + " app connection failed", cause);
        if (retryOnNewConnection()) {
            return;
        }
        abort(TunnelErrorCode.CANCEL);
    }

    /**
     * A pooled connection may have been closed by the app just as it was handed out: a request whose bytes the app
     * cannot have acted on (nothing came back, no body, an idempotent method; RFC 9110 §9.2.2) is sent once more on a
     * new connection. Anything else is reset as usual.
     */
    private boolean retryOnNewConnection() {
        if (!reusedApp || appSpoke || requestHadBody || state != State.HTTP || !isIdempotent(head.method())) {
            return false;
        }
        logger.debug("{} pooled app connection closed before answering: retrying on a new connection", logId);
        reusedApp = false;
        appHandler.unbind();
        app.close();
        app = null;
        state = State.CONNECTING;
        connect();
        return true;
    }

    private static boolean isIdempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }

    private void maybeFinishUpgraded() {
        if (state == State.UPGRADED && appInputEnded && request.ended()) {
            finish(); // both directions ended cleanly
        }
    }

    private void responseTimedOut() {
        if (state != State.DONE) {
            logger.info("{} no response head from the app within {}", logId, config.settings().responseHeadTimeout());
            respondError(504, TunnelErrorCode.RESPONSE_TIMEOUT);
        }
    }

    // ---- endings ----

    /** A synthetic response (the app was never reached or never answered); the rest of the request is drained. */
    private void respondError(int status, TunnelErrorCode code) {
        finish();
        if (stream.channel().isActive()) {
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(ResponseHeads.error(status, code), true));
            maybeReadStream();
        }
    }

    /** RST_STREAM: whatever was in flight is incomplete. */
    private void abort(TunnelErrorCode code) {
        if (state == State.DONE) {
            return;
        }
        finish();
        if (stream.channel().isActive()) {
            stream.writeAndFlush(new DefaultHttp2ResetFrame(code.http2Code()));
        }
    }

    /** Releases everything this stream holds; idempotent. */
    private void finish() {
        state = State.DONE;
        headWait.cancel();
        request.releaseAll();
        if (app != null) {
            app.close();
        }
    }
}
