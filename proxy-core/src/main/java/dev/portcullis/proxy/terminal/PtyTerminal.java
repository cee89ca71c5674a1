package dev.portcullis.proxy.terminal;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One terminal: a process in a real PTY, attached to one WebSocket speaking {@link TerminadoMessage}s.
 *
 * <p>Threads: two of {@code threads} per terminal. The output pump blocks on the PTY read and then on a send permit:
 * at most {@link #SENDS_IN_FLIGHT} frames of at most {@link #READ_CHUNK} bytes are queued on the socket, so the PTY is
 * read no faster than the client drains it (the shell then blocks on its own write, as in a slow real terminal). The
 * input pump writes stdin to the PTY; the WebSocket's receive listener (an XNIO I/O thread) only enqueues into a
 * bounded queue and suspends receives while it is over {@link #INPUT_HIGH_WATER}. Nothing blocks an I/O thread.
 */
final class PtyTerminal {
    private static final Logger logger = LoggerFactory.getLogger(PtyTerminal.class);
    static final int READ_CHUNK = 16 * 1024;
    static final int SENDS_IN_FLIGHT = 4;
    static final int INPUT_QUEUE = 64;
    static final int INPUT_HIGH_WATER = 32;
    static final int MAX_MESSAGE_CHARS = 64 * 1024;
    private static final byte[] POISON = new byte[0];

    private final String id;
    private final WebSocketChannel channel;
    private final TerminalConfig config;
    private final Executor threads;
    private final Runnable onClosed;
    private final Semaphore sends = new Semaphore(SENDS_IN_FLIGHT);
    private final BlockingQueue<byte[]> input = new ArrayBlockingQueue<>(INPUT_QUEUE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder bytesRead;
    /** I/O thread only. */
    private boolean receivesSuspended;
    private volatile PtyProcess process;

    /** @param bytesRead counts bytes read from the PTY (shared by the backend's terminals) */
    PtyTerminal(String id, WebSocketChannel channel, TerminalConfig config, Executor threads,
            LongAdder bytesRead, Runnable onClosed) {
        this.id = id;
        this.bytesRead = bytesRead;
        this.channel = channel;
        this.config = config;
        this.threads = threads;
        this.onClosed = onClosed;
    }

    /** Called on the connection's I/O thread: receives stay suspended until the process runs. */
    void start() {
        channel.getReceiveSetter().set(new AbstractReceiveListener() {
            @Override
            protected long getMaxTextBufferSize() {
                return MAX_MESSAGE_CHARS;
            }

            @Override
            protected long getMaxBinaryBufferSize() {
                return MAX_MESSAGE_CHARS;
            }

            @Override
            protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
                onMessage(message.getData());
            }

            @Override
            protected void onFullBinaryMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
                message.getData().free();
                logger.info("{} binary message refused (terminado is JSON text)", id);
                WebSockets.sendClose(1003, "terminado messages are JSON text", channel, null);
            }
        });
        channel.addCloseTask(ch -> close("client closed"));
        threads.execute(this::spawn);
    }

    private void spawn() {
        try {
            process = new PtyProcessBuilder(config.command().toArray(String[]::new))
                    .setEnvironment(config.environment())
                    .setDirectory(config.directory().toString())
                    .setInitialColumns(config.initialColumns())
                    .setInitialRows(config.initialRows())
                    .setRedirectErrorStream(true)
                    .start();
        } catch (IOException | RuntimeException e) {
            logger.warn("{} starting {} in a PTY failed: {}", id, config.command().get(0), e.toString());
            WebSockets.sendClose(1011, "terminal could not start", channel, null);
            close("spawn failed");
            return;
        }
        logger.info("{} terminal started: pid {}", id, process.pid());
        if (closed.get()) {
            process.destroy();
            return;
        }
        send(TerminadoMessage.setup().toJson());
        threads.execute(this::pumpInput);
        threads.execute(this::pumpOutput);
        channel.getIoThread().execute(channel::resumeReceives);
    }

    /** I/O thread. */
    private void onMessage(String text) {
        TerminadoMessage message;
        try {
            message = TerminadoMessage.parse(text);
            switch (message.kind()) {
                case TerminadoMessage.STDIN -> enqueue(message.data().getBytes(StandardCharsets.UTF_8));
                case TerminadoMessage.SET_SIZE -> process.setWinSize(new WinSize(message.dimension(1), message.dimension(0)));
                default -> logger.debug("{} ignoring terminado message '{}'", id, message.kind());
            }
        } catch (IllegalArgumentException e) {
            // Never echo the client's data into the log: only what was wrong with it.
            logger.info("{} bad terminado message: {}", id, e.getMessage());
            WebSockets.sendClose(1007, e.getMessage(), channel, null);
        }
    }

    /** I/O thread. */
    private void enqueue(byte[] bytes) {
        if (!input.offer(bytes)) {
            // Unreachable while receives are suspended at the high-water mark; a safety net, not flow control.
            WebSockets.sendClose(1008, "input flood", channel, null);
            return;
        }
        if (input.size() >= INPUT_HIGH_WATER && !receivesSuspended) {
            receivesSuspended = true;
            channel.suspendReceives();
        }
    }

    private void pumpInput() {
        try (OutputStream out = process.getOutputStream()) {
            while (true) {
                byte[] bytes = input.take();
                if (bytes == POISON) {
                    return;
                }
                out.write(bytes);
                out.flush();
                if (input.size() < INPUT_HIGH_WATER / 2) {
                    channel.getIoThread().execute(this::resumeIfSuspended);
                }
            }
        } catch (IOException e) {
            logger.debug("{} writing to the PTY: {}", id, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void resumeIfSuspended() {
        if (receivesSuspended && !closed.get()) {
            receivesSuspended = false;
            channel.resumeReceives();
        }
    }

    private void pumpOutput() {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        byte[] buffer = new byte[READ_CHUNK];
        ByteBuffer bytes = ByteBuffer.allocate(READ_CHUNK + 8);
        CharBuffer chars = CharBuffer.allocate(READ_CHUNK + 8);
        try (InputStream in = process.getInputStream()) {
            int n;
            while ((n = in.read(buffer, 0, READ_CHUNK)) >= 0) {
                bytesRead.add(n);
                bytes.put(buffer, 0, n).flip();
                // A multi-byte character split across reads stays in `bytes` for the next round.
                decoder.decode(bytes, chars, false);
                bytes.compact();
                chars.flip();
                if (chars.hasRemaining()) {
                    sends.acquire();
                    send(TerminadoMessage.stdout(chars.toString()).toJson(), true);
                }
                chars.clear();
            }
        } catch (IOException e) {
            // Linux reports the end of a PTY whose process exited as EIO, not EOF.
            logger.debug("{} reading the PTY: {}", id, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        int code = exitCode();
        logger.info("{} terminal process exited: {}", id, code);
        if (!closed.get()) {
            send(TerminadoMessage.disconnect(code).toJson());
            WebSockets.sendClose(1000, "process exited", channel, null);
        }
        close("process exited");
    }

    private int exitCode() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void send(String json) {
        send(json, false);
    }

    private void send(String json, boolean releasePermit) {
        WebSockets.sendText(json, channel, new WebSocketCallback<Void>() {
            @Override
            public void complete(WebSocketChannel ch, Void context) {
                if (releasePermit) {
                    sends.release();
                }
            }

            @Override
            public void onError(WebSocketChannel ch, Void context, Throwable throwable) {
                logger.debug("{} sending to the client failed: {}", id, throwable.toString());
                if (releasePermit) {
                    sends.release();
                }
                close("send failed");
            }
        });
    }

    /** Idempotent; any thread. Ends the process (SIGHUP then, as a terminal hang-up, the pumps end). */
    void close(String why) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        logger.debug("{} closing: {}", id, why);
        input.clear();
        input.offer(POISON);
        // Unblock an output pump waiting for a permit; it sees the closed socket on its next send.
        sends.release(SENDS_IN_FLIGHT);
        PtyProcess p = process;
        if (p != null) {
            p.destroy();
        }
        if (channel.isOpen()) {
            try {
                channel.sendClose();
            } catch (IOException e) {
                logger.debug("{} close: {}", id, e.toString());
            }
        }
        onClosed.run();
    }
}
