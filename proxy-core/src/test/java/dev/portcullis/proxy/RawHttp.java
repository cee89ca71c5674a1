package dev.portcullis.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A plain {@link Socket} that writes exact bytes to the proxy's public listener and reads what comes back, for
 * malformed-request tests where an HTTP client would fix the request up (SECURITY rows 7-12, 32-36).
 */
final class RawHttp {
    private RawHttp() {}

    /** What came back: the bytes read until the server closed (or {@code readTimeoutMillis} passed), and whether it closed. */
    record Reply(String text, boolean closed) {
        String statusLine() {
            int end = text.indexOf("\r\n");
            return end < 0 ? text : text.substring(0, end);
        }

        int status() {
            String[] parts = statusLine().split(" ");
            return parts.length < 2 ? -1 : Integer.parseInt(parts[1]);
        }

        /** How many responses (status lines) the reply holds: a smuggled second request would add one. */
        int responses() {
            int n = 0;
            for (int i = text.indexOf("HTTP/1."); i >= 0; i = text.indexOf("HTTP/1.", i + 1)) {
                if (i == 0 || text.startsWith("\r\n", i - 2)) {
                    n++;
                }
            }
            return n;
        }
    }

    /** Sends {@code request} (ISO-8859-1 bytes) and reads until the server closes or {@code readTimeoutMillis} of silence. */
    static Reply exchange(InetSocketAddress to, String request, int readTimeoutMillis) throws IOException {
        return exchange(to, request.getBytes(StandardCharsets.ISO_8859_1), readTimeoutMillis);
    }

    static Reply exchange(InetSocketAddress to, byte[] request, int readTimeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(to, 5_000);
            socket.setSoTimeout(readTimeoutMillis);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return readAll(socket.getInputStream());
        }
    }

    static Reply readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        boolean closed;
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
            closed = true;
        } catch (SocketTimeoutException e) {
            closed = false;
        } catch (IOException e) {
            // reset by the server: closed, too
            closed = true;
        }
        return new Reply(out.toString(StandardCharsets.ISO_8859_1), closed);
    }

    /** Sends {@code request} and returns the response head only (up to the blank line): for upgrades that stay open. */
    static String head(InetSocketAddress to, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(to, 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                b.append((char) c);
                if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                    break;
                }
            }
            return b.toString();
        }
    }
}
