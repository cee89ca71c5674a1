package dev.portcullis.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket app (blocking sockets, loopback, port 0) that accepts any upgrade and then streams unmasked binary
 * frames of {@code frameSize} bytes to the client as fast as it takes them, each frame written in several small
 * writes so that frame boundaries and TCP/tunnel chunk boundaries never line up. Counts upgrades and connections
 * that ended. Closes every connection on {@link #close()}.
 */
final class StreamingWebSocketApp implements AutoCloseable {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final ServerSocket server;
    private final int frameSize;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final java.util.Set<Socket> sockets = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final AtomicInteger upgrades = new AtomicInteger();
    final AtomicInteger ended = new AtomicInteger();

    StreamingWebSocketApp(int frameSize) throws IOException {
        this.frameSize = frameSize;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            String head = readHead(socket.getInputStream());
            String key = header(head, "sec-websocket-key");
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            upgrades.incrementAndGet();
            byte[] payload = new byte[frameSize];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) i;
            }
            byte[] header = frameHeader(frameSize);
            int piece = Math.max(1, frameSize / 3 + 7);
            while (true) {
                out.write(header);
                for (int off = 0; off < payload.length; off += piece) {
                    out.write(payload, off, Math.min(piece, payload.length - off));
                }
                out.flush();
            }
        } catch (IOException | NoSuchAlgorithmException e) {
            ended.incrementAndGet();
        } finally {
            sockets.remove(socket);
        }
    }

    /** A FIN binary frame header without mask (SPEC: RFC 6455 §5.2). */
    static byte[] frameHeader(int length) {
        if (length < 126) {
            return new byte[] {(byte) 0x82, (byte) length};
        }
        if (length <= 0xffff) {
            return new byte[] {(byte) 0x82, 126, (byte) (length >> 8), (byte) length};
        }
        byte[] h = new byte[10];
        h[0] = (byte) 0x82;
        h[1] = 127;
        for (int i = 0; i < 8; i++) {
            h[9 - i] = (byte) ((long) length >> (8 * i));
        }
        return h;
    }

    private static String accept(String key) throws NoSuchAlgorithmException {
        byte[] sha = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(sha);
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        throw new IllegalStateException("no " + name + " in the upgrade request");
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in the request head");
            }
            head.write(b);
            matched = (b == '\r' || b == '\n') && (matched % 2 == 0) == (b == '\r') ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        threads.shutdownNow();
    }
}
