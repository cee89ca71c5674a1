package dev.portcullis.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServerFrameBoundaryTest {

    /** A frame: FIN binary, with the given payload length in the shortest encoding, optionally masked. */
    private static byte[] frame(int length, boolean masked) {
        int ext = length < 126 ? 0 : length <= 0xffff ? 2 : 8;
        byte[] f = new byte[2 + ext + (masked ? 4 : 0) + length];
        f[0] = (byte) 0x82;
        f[1] = (byte) ((masked ? 0x80 : 0) | (ext == 0 ? length : ext == 2 ? 126 : 127));
        for (int i = 0; i < ext; i++) {
            f[2 + i] = (byte) ((long) length >> (8 * (ext - 1 - i)));
        }
        for (int i = 2 + ext + (masked ? 4 : 0); i < f.length; i++) {
            f[i] = (byte) 0x82; // payload bytes that look like headers, to catch a parser that reads them
        }
        return f;
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer all = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            all.put(p);
        }
        return all.array();
    }

    @Test
    void findsEveryFrameEndWhateverTheSplitOfTheBytes() {
        byte[][] frames = {frame(0, false), frame(5, false), frame(125, false), frame(126, false), frame(300, true),
                frame(70_000, false), frame(1, true)};
        byte[] stream = concat(frames);
        java.util.Set<Integer> ends = new java.util.HashSet<>();
        int end = 0;
        for (byte[] f : frames) {
            end += f.length;
            ends.add(end);
        }
        for (int chunk : new int[] {1, 2, 3, 7, 64, 1000, stream.length}) {
            ServerFrameBoundary tracker = new ServerFrameBoundary();
            ByteBuf buf = Unpooled.wrappedBuffer(stream);
            int at = 0;
            while (at < stream.length) {
                int chunkEnd = Math.min(at + chunk, stream.length);
                // Like the pipe: never past the next stop, so a boundary inside a chunk is seen too.
                while (at < chunkEnd) {
                    int step = (int) Math.min(chunkEnd - at, tracker.untilNextStop());
                    tracker.advance(buf, at, step);
                    at += step;
                    assertThat(tracker.atBoundary()).as("chunk %d at %d", chunk, at).isEqualTo(ends.contains(at));
                }
            }
            assertThat(tracker.atBoundary()).isTrue();

            // As in the pipe's normal flow: whole writes that cross any number of frames.
            ServerFrameBoundary crossing = new ServerFrameBoundary();
            for (int from = 0; from < stream.length; from += chunk) {
                int n = Math.min(chunk, stream.length - from);
                crossing.advance(buf, from, n);
                assertThat(crossing.atBoundary()).as("chunk %d ending at %d", chunk, from + n).isEqualTo(ends.contains(from + n));
            }
        }
    }

    @Test
    void theCloseFrameIsAnUnmaskedCloseWithTheCodeAndReason() {
        ByteBuffer close = ServerFrameBoundary.closeFrame(1008, "revoked (user)");

        byte[] bytes = new byte[close.remaining()];
        close.get(bytes);
        assertThat(bytes[0]).isEqualTo((byte) 0x88);
        assertThat(bytes[1]).isEqualTo((byte) (2 + "revoked (user)".length()));
        assertThat(((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff)).isEqualTo(1008);
        assertThat(new String(bytes, 4, bytes.length - 4, StandardCharsets.UTF_8)).isEqualTo("revoked (user)");
        assertThat(ServerFrameBoundary.closeFrame(1008, "x".repeat(300)).remaining()).isEqualTo(4 + 123);
    }
}
