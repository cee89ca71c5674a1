package dev.portcullis.proxy.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback TCP relay in front of an app that counts the connections reaching it and keeps the start of each (up to
 * the end of the request head, at most {@value #MAX_HEAD} bytes of the first read), so that a test can assert that an
 * app saw no request at all, or what the requests that did arrive carried. The agent opens one app connection per
 * tunnel stream, so connections count requests (a WebSocket is one).
 *
 * <p>Blocking sockets, two threads per connection, at most {@value #MAX_CONNECTIONS} open connections (more are
 * refused): a test fixture, never on a proxy I/O thread. Thread-safe.
 */
public final class CountingRelay implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(CountingRelay.class);
    private static final int MAX_CONNECTIONS = 256;
    private static final int MAX_HEADS = 1000;
    private static final int MAX_HEAD = 8 * 1024;

    private final ServerSocket server;
    private final int targetPort;
    private final ExecutorService threads;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> heads = new ArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private CountingRelay(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
        this.threads = new ThreadPoolExecutor(1, 1 + 2 * MAX_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "relay-" + server.getLocalPort());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Listens on a free loopback port and relays every connection to {@code 127.0.0.1:targetPort}. */
    public static CountingRelay start(int targetPort) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        CountingRelay relay = new CountingRelay(server, targetPort);
        relay.threads.execute(relay::acceptLoop);
        return relay;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** The request head (or what the first read held of it) of every connection so far, in arrival order. */
    public List<String> heads() {
        synchronized (heads) {
            return List.copyOf(heads);
        }
    }

    /** The first line of every connection so far: request lines, for an HTTP app. */
    public List<String> firstLines() {
        return heads().stream().map(h -> h.lines().findFirst().orElse("")).toList();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                if (open.size() >= MAX_CONNECTIONS) {
                    logger.warn("relay :{} refuses a connection: {} already open", port(), open.size());
                    client.close();
                    continue;
                }
                Socket app = new Socket();
                try {
                    app.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
                } catch (IOException e) {
                    closeQuietly(client);
                    throw e;
                }
                open.add(client);
                AtomicInteger pumpsDone = new AtomicInteger();
                threads.execute(() -> pump(client, app, true, pumpsDone));
                threads.execute(() -> pump(app, client, false, pumpsDone));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    logger.info("relay :{} accept/connect failed: {}", port(), e.toString());
                }
            }
        }
    }

    /**
     * Copies {@code from} to {@code to} until EOF, then half-closes {@code to}; an error closes both sockets (which
     * ends the other direction too). The second pump of a connection to finish closes both sockets.
     */
    private void pump(Socket from, Socket to, boolean recordHead, AtomicInteger pumpsDone) {
        byte[] buffer = new byte[16 * 1024];
        boolean first = recordHead;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (first) {
                    recordHead(buffer, n);
                    first = false;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        } finally {
            if (pumpsDone.incrementAndGet() == 2) {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(recordHead ? from : to);
            }
        }
    }

    private void recordHead(byte[] buffer, int n) {
        String start = new String(buffer, 0, Math.min(n, MAX_HEAD), StandardCharsets.ISO_8859_1);
        int end = start.indexOf("\r\n\r\n");
        synchronized (heads) {
            if (heads.size() < MAX_HEADS) {
                heads.add(end < 0 ? start : start.substring(0, end));
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        open.forEach(CountingRelay::closeQuietly);
        open.clear();
        threads.shutdownNow();
    }
}
