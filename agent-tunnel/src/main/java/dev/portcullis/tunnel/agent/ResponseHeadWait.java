package dev.portcullis.tunnel.agent;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The wait for the app's response head: started once the request is complete (or the upgrade request is sent, since
 * an app may answer only after the whole body), over when the head arrives; {@code onTimeout} runs if it does not
 * arrive within {@code timeout}. Event loop only (the stream's).
 */
final class ResponseHeadWait {
    private final Duration timeout;
    private final Runnable onTimeout;
    private ScheduledFuture<?> timer; // dropped once over: a held WebSocket keeps no cancelled task
    private boolean arrived;
    private boolean over;

    ResponseHeadWait(Duration timeout, Runnable onTimeout) {
        this.timeout = timeout;
        this.onTimeout = onTimeout;
    }

    /** Starts the wait; idempotent, and a no-op once the head arrived. */
    void start(EventLoop loop) {
        if (timer == null && !over) {
            timer = loop.schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The head arrived: the wait is over for good. */
    void headArrived() {
        arrived = true;
        cancel();
    }

    boolean arrived() {
        return arrived;
    }

    /** Stops the timer (the stream ended); idempotent. */
    void cancel() {
        over = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire() {
        if (!arrived) {
            onTimeout.run();
        }
    }
}
