package dev.portcullis.loadtests.ws;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.Future;
import java.io.PrintStream;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Opens WebSockets as fast as the server accepts them, at most {@code concurrency} handshakes in flight, up to each
 * checkpoint in turn; at each checkpoint it prints the time that batch took and the servers' resident memory, then
 * goes on. The sockets stay open (idle) until {@link #close()}.
 */
final class OpenStorm implements AutoCloseable {
    private final WsClient client;
    private final int concurrency;
    private final List<Long> rssPids;
    private final long settleMillis;
    private final PrintStream out;
    private final Queue<Channel> open = new ConcurrentLinkedQueue<>();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

    OpenStorm(WsClient client, int concurrency, List<Long> rssPids, long settleMillis, PrintStream out) {
        this.client = client;
        this.concurrency = concurrency;
        this.rssPids = rssPids;
        this.settleMillis = settleMillis;
        this.out = out;
    }

    /** Opens sockets up to every checkpoint (ascending totals); returns the number that failed. */
    int run(List<Integer> checkpoints, long batchTimeoutSeconds) throws InterruptedException {
        out.println("idle sockets=0 rss_kib=" + Rss.describe(rssPids));
        int total = 0;
        for (int target : checkpoints) {
            int batch = target - total;
            long start = System.nanoTime();
            if (!openBatch(batch, batchTimeoutSeconds)) {
                out.println("open checkpoint=" + target + " timeout after " + batchTimeoutSeconds + " s");
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            total = target;
            Thread.sleep(settleMillis); // let the servers finish their own bookkeeping before RSS is read
            out.println("open checkpoint=" + target + " batch=" + batch + " ms=" + ms + " open=" + open.size()
                    + " failed=" + failed.get() + " rss_kib=" + Rss.describe(rssPids));
            out.flush();
        }
        Throwable first = firstFailure.get();
        if (first != null) {
            out.println("first failure: " + first);
        }
        return failed.get();
    }

    private boolean openBatch(int count, long timeoutSeconds) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(count);
        AtomicInteger toStart = new AtomicInteger(count);
        for (int i = 0; i < Math.min(concurrency, count); i++) {
            startNext(toStart, done);
        }
        return done.await(timeoutSeconds, TimeUnit.SECONDS);
    }

    private void startNext(AtomicInteger toStart, CountDownLatch done) {
        if (toStart.getAndDecrement() <= 0) {
            return;
        }
        Future<Channel> f = client.open(Idle::new);
        f.addListener(x -> {
            if (f.isSuccess()) {
                open.add(f.getNow());
            } else {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, f.cause());
            }
            done.countDown();
            startNext(toStart, done);
        });
    }

    @Override
    public void close() {
        for (Channel ch : open) {
            ch.close();
        }
    }

    /** A held socket: drops whatever arrives (the frame is released by the superclass). */
    private static final class Idle extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {}
    }
}
