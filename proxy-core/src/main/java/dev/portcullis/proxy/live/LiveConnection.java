package dev.portcullis.proxy.live;

import static java.util.Objects.requireNonNull;

import dev.portcullis.registry.Revocation;
import dev.portcullis.registry.SessionId;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.XnioIoThread;

/**
 * One admitted HTTP exchange or WebSocket on this node, from admission until it ends. The forwarder that owns the
 * connection counts bytes ({@link #countIn}, {@link #countOut}: plain volatile fields written only by the connection's
 * I/O thread, read by anyone), sets the {@link Closer}, and calls {@link #ended()}. Anyone may call {@link #close}: it
 * hops to the connection's I/O thread and runs the closer once.
 */
public final class LiveConnection {
    /** What the admin API reports. */
    public enum Kind {
        HTTP, WEBSOCKET
    }

    /** Closes the connection as the forwarder knows how (cut an HTTP response, close a WebSocket with 1008). */
    @FunctionalInterface
    public interface Closer {
        /** Called once, on the connection's I/O thread; {@code reason} is safe to log. */
        void close(String reason);
    }

    private final String id;
    private final String user;
    private final SessionId session;
    private final String app;
    private final Kind kind;
    private final Instant since;
    private final InetSocketAddress remote; // formatted only when asked (the admin API): nothing per request
    private final Credential credential;
    private final XnioIoThread ioThread;
    private final LiveConnections table;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile long bytesIn;
    private volatile long bytesOut;
    private volatile Closer closer;

    LiveConnection(String id, String user, SessionId session, String app, Kind kind, Instant since, InetSocketAddress remote,
            Credential credential, XnioIoThread ioThread, LiveConnections table) {
        this.id = id;
        this.user = user;
        this.session = session;
        this.app = app;
        this.kind = kind;
        this.since = since;
        this.remote = remote;
        this.credential = credential;
        this.ioThread = ioThread;
        this.table = table;
    }

    public String id() { return id; }
    public String user() { return user; }
    public SessionId session() { return session; }
    public String app() { return app; }
    public Kind kind() { return kind; }
    public Instant since() { return since; }
    /** The client's address as {@code ip:port}, or "unknown". */
    public String remote() {
        return remote == null || remote.getAddress() == null
                ? "unknown" : remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }
    /** The admitting credential; null if the gate attached none. */
    public Credential credential() { return credential; }
    /** Bytes client to app so far. */
    public long bytesIn() { return bytesIn; }
    /** Bytes app to client so far. */
    public long bytesOut() { return bytesOut; }

    /** I/O thread only: one writer, so a volatile read-add-write loses nothing and costs no CAS. */
    public void countIn(long n) {
        bytesIn += n;
    }

    /** I/O thread only (single writer). */
    public void countOut(long n) {
        bytesOut += n;
    }

    /** Sets how to close; the forwarder replaces it when the connection changes hands (101: to the raw pipe). */
    public void closer(Closer closer) {
        this.closer = requireNonNull(closer, "closer");
    }

    /** Whether a revocation refuses the credential this connection was admitted with, judged at {@code now}. */
    public boolean refusedBy(Revocation revocation, Instant now) {
        Credential c = credential;
        return revocation.refuses(c == null ? null : c.tokenId(), user, session.value(),
                c == null ? null : c.issuedAt(), now);
    }

    /**
     * Closes the connection for {@code reason} (safe to log) on its I/O thread. Returns false if it was already being
     * closed, so a revocation that reaches a node twice (locally and through the bus) counts each connection once.
     */
    public boolean close(String reason) {
        if (!closing.compareAndSet(false, true)) {
            return false;
        }
        ioThread.execute(() -> {
            Closer c = closer;
            if (c != null) {
                c.close(reason);
            }
        });
        return true;
    }

    /** The forwarder is done with it (I/O thread): leaves the table. */
    public void ended() {
        table.remove(this);
    }

    @Override
    public String toString() {
        return "LiveConnection[" + id + " " + kind + " " + session + "/" + app + "]";
    }
}
