package dev.portcullis.tunnel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The flush batching of the tunnel on a real event loop (Netty's in-JVM transport): how many flushes reach the socket
 * side of the pipeline within one turn of the loop and after it, and that the bytes arrive. The tunnel tests run it
 * end to end over TLS.
 */
@Timeout(10)
class BatchingFlushHandlerTest {
    /** Counts the flushes that pass towards the socket. Event loop only. */
    private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
        int flushes;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes++;
            ctx.flush();
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final FlushCounter counter = new FlushCounter();
    private Channel client;

    @BeforeEach
    void connect() throws Exception {
        LocalAddress address = new LocalAddress("batching-" + System.nanoTime());
        new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf b = (ByteBuf) msg;
                        received.add(b.toString(StandardCharsets.US_ASCII));
                        b.release();
                    }
                })
                .bind(address).sync();
        client = new Bootstrap().group(group).channel(LocalChannel.class)
                .handler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        ch.pipeline().addLast(counter, new BatchingFlushHandler());
                    }
                })
                .connect(address).sync().channel();
    }

    @AfterEach
    void stop() throws Exception {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
    }

    @Test
    void flushesOfOneTurnReachTheSocketOnceAfterTheTurn() throws Exception {
        int duringTheTurn = onLoop(() -> {
            client.writeAndFlush(bytes("a"));
            client.writeAndFlush(bytes("b"));
            client.writeAndFlush(bytes("c"));
            return counter.flushes;
        });

        assertThat(duringTheTurn).isZero();
        assertThat(onLoop(() -> counter.flushes)).as("after the turn").isEqualTo(1);
        assertThat(take(3)).isEqualTo("abc");
    }

    @Test
    void aReadCompleteFlushesAtOnce() throws Exception {
        int afterReadComplete = onLoop(() -> {
            client.writeAndFlush(bytes("reply"));
            client.pipeline().fireChannelReadComplete();
            return counter.flushes;
        });

        assertThat(afterReadComplete).isEqualTo(1);
        assertThat(onLoop(() -> counter.flushes)).as("the end of the turn finds nothing left").isEqualTo(1);
        assertThat(take(5)).isEqualTo("reply");
    }

    @Test
    void closingFlushesWhatIsPendingFirst() throws Exception {
        onLoop(() -> {
            client.writeAndFlush(bytes("last frames"));
            client.close();
            return null;
        });

        assertThat(take(11)).isEqualTo("last frames");
        assertThat(onLoop(() -> counter.flushes)).isEqualTo(1);
    }

    @Test
    void writesWithoutAFlushStayUnflushed() throws Exception {
        onLoop(() -> client.write(bytes("not yet")));

        assertThat(onLoop(() -> counter.flushes)).isZero();
        assertThat(received.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return client.eventLoop().submit(task).get(5, TimeUnit.SECONDS);
    }

    /** What the server side reads, until {@code length} bytes arrived (the transport may merge or split writes). */
    private String take(int length) throws InterruptedException {
        StringBuilder all = new StringBuilder();
        while (all.length() < length) {
            String s = received.poll(5, TimeUnit.SECONDS);
            assertThat(s).as("bytes after " + all).isNotNull();
            all.append(s);
        }
        return all.toString();
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }
}
