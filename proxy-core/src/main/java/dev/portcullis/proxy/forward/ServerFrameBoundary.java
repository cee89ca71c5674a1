package dev.portcullis.proxy.forward;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Follows the WebSocket frame boundaries of the app-to-client byte stream as it is written to the client, so that the
 * proxy can inject a close frame between two frames (SPEC: RFC 6455 §5.4 allows a control frame between the fragments
 * of a message, never inside a frame). Reads only the 2 to 14 header bytes of each frame and counts payload bytes:
 * nothing is copied.
 *
 * <p>Confined to the connection's I/O thread.
 */
final class ServerFrameBoundary {
    /** SPEC: RFC 6455 §7.4.1: 1008, policy violation. */
    static final int POLICY_VIOLATION = 1008;

    private int headerHave;
    private int headerNeed = 2;
    private byte second;
    private long lengthBytes;
    private long payloadLeft;

    /** Whether the bytes written so far end exactly at the end of a frame. */
    boolean atBoundary() {
        return headerHave == 0 && payloadLeft == 0;
    }

    /**
     * How many more bytes may be written before the next point of interest: the end of the current frame's payload,
     * or (inside a header) the end of the header bytes known to be needed.
     */
    long untilNextStop() {
        return payloadLeft > 0 ? payloadLeft : headerNeed - headerHave;
    }

    /** Takes note of {@code n} bytes of {@code buf} from index {@code from} that reached the client. */
    void advance(ByteBuf buf, int from, int n) {
        int i = from;
        int end = from + n;
        while (i < end) {
            if (payloadLeft > 0) {
                long take = Math.min(payloadLeft, end - i);
                payloadLeft -= take;
                i += (int) take;
                continue;
            }
            header(buf.getByte(i++));
        }
    }

    private void header(byte b) {
        headerHave++;
        if (headerHave == 2) {
            second = b;
            int len7 = b & 0x7f;
            boolean masked = (b & 0x80) != 0; // servers never mask (§5.1), but count it right anyway
            int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
            headerNeed = 2 + extended + (masked ? 4 : 0);
            lengthBytes = extended == 0 ? len7 : 0;
        } else if (headerHave > 2 && headerHave <= 2 + extendedLength()) {
            lengthBytes = (lengthBytes << 8) | (b & 0xff);
        }
        if (headerHave == headerNeed) {
            // A 64-bit length with the top bit set is invalid (§5.2): treat it as endless, so no close frame is
            // injected into it and the deadline cuts the connection instead.
            payloadLeft = lengthBytes < 0 ? Long.MAX_VALUE : lengthBytes;
            headerHave = 0;
            headerNeed = 2;
            lengthBytes = 0;
        }
    }

    private int extendedLength() {
        int len7 = second & 0x7f;
        return len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    }

    /** An unmasked server close frame (FIN, opcode 8) with {@code code} and a short UTF-8 reason. */
    static ByteBuffer closeFrame(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int len = Math.min(text.length, 123); // control frame payloads are at most 125 bytes (§5.5)
        ByteBuffer frame = ByteBuffer.allocate(4 + len);
        frame.put((byte) 0x88).put((byte) (2 + len)).putShort((short) code).put(text, 0, len);
        return frame.flip();
    }
}
