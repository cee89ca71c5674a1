package dev.portcullis.tunnel;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Hand-written HTTP/2 frames (RFC 9113 §4.1) over a socket, for tests that play a rogue tunnel peer and must send
 * what a real codec refuses to: unknown frame types, floods, header values with CR/LF/NUL. Header blocks use HPACK
 * literals without indexing or Huffman (RFC 7541 §6.2.2), so any bytes can be sent.
 *
 * <p>Not thread-safe: one per socket, used by the test thread.
 */
final class RawFrames {
    static final byte[] CLIENT_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int PRIORITY = 0x2;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PING = 0x6;
    static final int GOAWAY = 0x7;
    static final int CONTINUATION = 0x9;
    static final int END_STREAM = 0x1;
    static final int ACK = 0x1;
    static final int END_HEADERS = 0x4;
    static final long PROTOCOL_ERROR = 0x1;
    static final long CANCEL = 0x8;
    static final long REFUSED_STREAM = 0x7;
    static final long ENHANCE_YOUR_CALM = 0xb;

    /** One frame read from the peer. */
    record Frame(int type, int flags, int streamId, byte[] payload) {
        /** The error code of a GOAWAY or RST_STREAM frame. */
        long errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return ((payload[at] & 0xffL) << 24) | ((payload[at + 1] & 0xff) << 16) | ((payload[at + 2] & 0xff) << 8) | (payload[at + 3] & 0xff);
        }
    }

    private final InputStream in;
    private final OutputStream out;

    RawFrames(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    void write(int type, int flags, int streamId, byte[] payload) throws IOException {
        byte[] h = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length, (byte) type, (byte) flags,
                (byte) (streamId >>> 24), (byte) (streamId >>> 16), (byte) (streamId >>> 8), (byte) streamId};
        out.write(h);
        out.write(payload);
    }

    void flush() throws IOException {
        out.flush();
    }

    void settings() throws IOException {
        write(SETTINGS, 0, 0, new byte[0]);
        flush();
    }

    void rst(int streamId, long code) throws IOException {
        write(RST_STREAM, 0, streamId, int32(code));
    }

    void headers(int streamId, int flags, Map<String, String> headers) throws IOException {
        write(HEADERS, flags, streamId, hpack(headers));
    }

    /** Reads the next frame; answers the peer's SETTINGS with an ACK on the way. */
    Frame read() throws IOException {
        byte[] h = in.readNBytes(9);
        if (h.length < 9) {
            throw new EOFException("connection closed");
        }
        int length = (h[0] & 0xff) << 16 | (h[1] & 0xff) << 8 | (h[2] & 0xff);
        int streamId = ((h[5] & 0x7f) << 24) | ((h[6] & 0xff) << 16) | ((h[7] & 0xff) << 8) | (h[8] & 0xff);
        byte[] payload = in.readNBytes(length);
        Frame f = new Frame(h[3] & 0xff, h[4] & 0xff, streamId, payload);
        if (f.type() == SETTINGS && (f.flags() & ACK) == 0) {
            write(SETTINGS, ACK, 0, new byte[0]);
            flush();
        }
        return f;
    }

    /** Reads until a frame of {@code type} (on {@code streamId}, or any if negative) comes; null if the peer closes first. */
    Frame awaitFrame(int type, int streamId) throws IOException {
        try {
            while (true) {
                Frame f = read();
                if (f.type() == type && (streamId < 0 || f.streamId() == streamId)) {
                    return f;
                }
            }
        } catch (EOFException | SocketTimeoutException | java.net.SocketException e) {
            return null;
        }
    }

    /** Reads until the peer closes (true) or goes silent for the socket's read timeout (false). */
    boolean closedByPeer() throws IOException {
        try {
            while (true) {
                read();
            }
        } catch (EOFException | java.net.SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    static byte[] hpack(Map<String, String> headers) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Map.Entry<String, String> e : headers.entrySet()) {
            b.write(0x00); // literal header field without indexing, new name
            string(b, e.getKey().getBytes(StandardCharsets.ISO_8859_1));
            string(b, e.getValue().getBytes(StandardCharsets.ISO_8859_1));
        }
        return b.toByteArray();
    }

    private static void string(ByteArrayOutputStream b, byte[] s) {
        // RFC 7541 §5.1 integer with a 7-bit prefix, H bit 0 (no Huffman)
        int n = s.length;
        if (n < 127) {
            b.write(n);
        } else {
            b.write(127);
            n -= 127;
            while (n >= 128) {
                b.write((n & 0x7f) | 0x80);
                n >>>= 7;
            }
            b.write(n);
        }
        b.writeBytes(s);
    }

    static byte[] int32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
