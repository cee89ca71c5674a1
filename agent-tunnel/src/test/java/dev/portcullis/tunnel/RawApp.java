package dev.portcullis.tunnel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny blocking app on a raw {@link ServerSocket} (loopback, port 0) for shapes MockWebServer cannot produce:
 * responses cut short, 101 + raw echo, stalls. Serves one connection per {@link Behaviour} call.
 */
public final class RawApp implements AutoCloseable {
    /** What the app does with one accepted connection (after its request head was read). */
    @FunctionalInterface
    public interface Behaviour {
        void serve(Socket socket, String requestHead) throws Exception;
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CompletableFuture<String> requestHead = new CompletableFuture<>();
    private final CompletableFuture<Throwable> failure = new CompletableFuture<>();

    public RawApp(Behaviour behaviour) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        threads.execute(() -> {
            try (Socket s = server.accept()) {
                String head = readHead(s.getInputStream());
                requestHead.complete(head);
                behaviour.serve(s, head);
            } catch (Throwable t) {
                failure.complete(t);
                requestHead.completeExceptionally(t);
            }
        });
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The request head the app received (request line and headers, CRLF-separated). */
    public CompletableFuture<String> requestHead() {
        return requestHead;
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in request head");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
