package dev.portcullis.proxy.forward;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Flow control of a response leg: the tunnel's event loop keeps asking the stream for the next frames (from inside the
 * delivery, so it costs no thread hop) while fewer than {@code budget} bytes are held, that is delivered but not yet
 * written to the client; past the budget it stops, and the client's I/O thread asks again once its writes bring the
 * count back under. Before this, every batch took a round trip event loop -> I/O thread -> event loop, and when the
 * agent was slower than the client a batch was a single frame: one round trip (two wake-ups) per DATA frame.
 *
 * <p>Bounded: the stream is asked only while under the budget, and one ask delivers at most one read batch, so the bytes
 * held stay under the budget plus one batch. Thread-safe; {@link #delivered} on the event loop, {@link #released} on the
 * I/O thread.
 */
final class ReadAhead {
    private final long budget;
    private final Runnable request;
    private final AtomicLong held = new AtomicLong();
    /** The event loop stopped asking at the budget; whoever clears this asks. */
    private final AtomicBoolean stalled = new AtomicBoolean();

    ReadAhead(long budget, Runnable request) {
        this.budget = budget;
        this.request = request;
    }

    /** Event loop: {@code bytes} were delivered; {@code more} unless the stream ended. Asks for more if under budget. */
    void delivered(int bytes, boolean more) {
        long now = held.addAndGet(bytes);
        if (!more) {
            return;
        }
        if (now < budget) {
            request.run();
            return;
        }
        // Publish the stall, then look again: either this thread sees the I/O thread's release, or the I/O thread sees
        // the flag; the compare-and-set makes exactly one of them ask.
        stalled.set(true);
        if (held.get() < budget && stalled.compareAndSet(true, false)) {
            request.run();
        }
    }

    /** I/O thread: {@code bytes} were written to the client (or dropped). Asks for more if that ends a stall. */
    void released(long bytes) {
        if (bytes == 0) {
            return;
        }
        long now = held.addAndGet(-bytes);
        if (now < budget && stalled.get() && stalled.compareAndSet(true, false)) {
            request.run();
        }
    }

    long held() {
        return held.get();
    }
}
